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
  /** First and second moments of every parameter, flattened per member into one [P, n] buffer each. */
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  /** Each parameter's width in the flat buffers (its size per member). */
  private readonly widths: number[];
  private t = 0;
  /** Per-member learning rate as a column [P, 1]. */
  private readonly lr: tf.Tensor2D;
  /** Multiplies every member's learning rate (a schedule's current factor). */
  scale = 1;

  constructor(
    readonly params: tf.Variable[],
    lr: number[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    const P = lr.length;
    this.widths = params.map((p) => p.size / P);
    const n = this.widths.reduce((a, b) => a + b, 0);
    this.m = variableFrom(tf.zeros([P, n]), false);
    this.v = variableFrom(tf.zeros([P, n]), false);
    this.lr = tf.tensor2d(lr, [P, 1]);
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

  /**
   * One Adam step with the given gradients (aligned with `params`). The update runs once on
   * the flat [P, n] buffers, a dozen kernels whatever the number of parameters (per-parameter
   * updates cost a dozen kernels each). A parameter the loss does not reach (e.g. the token
   * embedding of a one-token transformer, which reads only the prompt) has no gradient: it
   * counts as zero, and with m = v = 0 its step is exactly 0, so it stays.
   */
  apply(grads: (tf.Tensor | null | undefined)[]): void {
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const P = this.lr.shape[0];
    tf.tidy(() => {
      const columns = this.params.map((_, i) => {
        const g = grads[i];
        return g ? tf.reshape(g, [P, this.widths[i]]) : tf.zeros([P, this.widths[i]]);
      });
      const g = columns.length > 1 ? tf.concat(columns, 1) : columns[0];
      const m = tf.add(tf.mul(this.beta1, this.m), tf.mul(1 - this.beta1, g));
      const v = tf.add(tf.mul(this.beta2, this.v), tf.mul(1 - this.beta2, tf.square(g)));
      this.m.assign(m);
      this.v.assign(v);
      const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
      const delta = tf.mul(tf.mul(this.lr, this.scale), step);
      const parts = this.params.length > 1 ? tf.split(delta, this.widths, 1) : [delta];
      this.params.forEach((p, i) => p.assign(tf.sub(p, tf.reshape(parts[i], p.shape))));
    });
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.lr]);
  }
}
