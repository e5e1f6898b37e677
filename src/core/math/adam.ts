/**
 * Adam (Kingma & Ba 2015, Algorithm 1) for population-first parameters [P, ...] with a
 * per-member learning rate [P]: one optimizer state trains P independent runs.
 * Hand-written because tfjs's AdamOptimizer takes one scalar learning rate.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core ships gradients separately; the umbrella package registers them in Node (CJS) and Vite (ESM) alike.
import '@tensorflow/tfjs';
import { variableFrom } from '../models/init';

export class PopulationAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly lr: tf.Tensor1D;
  /** Multiplies every member's learning rate (a schedule's current factor). */
  scale = 1;

  constructor(
    readonly params: tf.Variable[],
    lr: number[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => variableFrom(tf.zerosLike(p), false));
    this.v = params.map((p) => variableFrom(tf.zerosLike(p), false));
    this.lr = tf.tensor1d(lr);
  }

  /**
   * One step on Σ_p loss_p, the members' losses [P] from `objective`, which may also return
   * per-member metrics of this same (pre-update) pass: those are returned, owned by the caller.
   * Every method's update is one call of this.
   */
  step(objective: () => { loss: tf.Tensor; metrics?: Record<string, tf.Tensor> }): Record<string, tf.Tensor> {
    let kept: Record<string, tf.Tensor> = {};
    const total = this.minimize(() =>
      tf.tidy(() => {
        const { loss, metrics = {} } = objective();
        kept = Object.fromEntries(Object.entries(metrics).map(([k, t]) => [k, tf.keep(t)]));
        return tf.sum(loss) as tf.Scalar;
      }),
    );
    total.dispose();
    return kept;
  }

  /** Minimises the scalar `loss()`; returns it (caller disposes). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.params);
    this.apply(this.params.map((p) => grads[p.name]));
    tf.dispose(grads);
    return value;
  }

  /** One Adam step with the given gradients (aligned with `params`). */
  apply(grads: (tf.Tensor | null | undefined)[]): void {
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i];
        // A parameter the loss does not reach has no gradient (e.g. the token embedding of a one-token transformer, which reads only the prompt): it stays.
        if (!g) return;
        const m = tf.add(tf.mul(this.beta1, this.m[i]), tf.mul(1 - this.beta1, g));
        const v = tf.add(tf.mul(this.beta2, this.v[i]), tf.mul(1 - this.beta2, tf.square(g)));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const lr = tf.reshape(this.lr, [p.shape[0], ...new Array(p.rank - 1).fill(1)]);
        const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
        p.assign(tf.sub(p, tf.mul(tf.mul(lr, this.scale), step)));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, this.lr]);
  }
}
