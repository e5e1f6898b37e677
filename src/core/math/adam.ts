/**
 * Adam (Kingma & Ba 2015, Algorithm 1) for population-first parameters [P, ...] with a
 * per-member learning rate [P]: one optimizer state trains P independent runs.
 * Hand-written because tfjs's AdamOptimizer takes one scalar learning rate.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core ships gradients separately; the umbrella package registers them in Node (CJS) and Vite (ESM) alike.
import '@tensorflow/tfjs';
import { variableFrom } from '../models/init';
import { fusedAvailable } from '../kernels/array_kernel';
import { FUSED_ADAM, registerFusedAdam, type FusedAdamAttrs } from '../kernels/fused_adam';

// Wherever an optimizer can exist, the CPU, WASM and WebGPU backends can run its step as one kernel.
registerFusedAdam();

/**
 * Above this many numbers per moment buffer (P·n) WASM's SIMD kernels, a dozen of them, beat
 * the one JavaScript loop (PPO on helpful, Node, median ms per iteration, fused → composed:
 * P = 1 (26k) 57 → 57, P = 4 (105k) 184 → 152, P = 16 (420k) 591 → 495). Both give the same
 * numbers, so the choice moves only time and the kernel count.
 */
const FUSED_ADAM_MAX_ON_WASM = 32_768;

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
   * One Adam step with the given gradients (aligned with `params`): one kernel on the CPU, WASM
   * and WebGPU backends; on WebGL a dozen element-wise kernels on the flat [P, n] buffers whatever
   * the number of parameters, plus a reshape and a subtraction per parameter. A parameter the
   * loss does not reach (e.g. the token embedding of a one-token transformer, which reads only
   * the prompt) has no gradient: it counts as zero, and with m = v = 0 its step is exactly 0.
   */
  apply(grads: (tf.Tensor | null | undefined)[]): void {
    this.t += 1;
    const scalars = { beta1: this.beta1, beta2: this.beta2, eps: this.eps, c1: 1 - this.beta1 ** this.t, c2: 1 - this.beta2 ** this.t, scale: this.scale };
    if (fusedAvailable(FUSED_ADAM) && (tf.getBackend() !== 'wasm' || this.m.size <= FUSED_ADAM_MAX_ON_WASM)) this.applyFused(grads, scalars);
    else this.applyComposed(grads, scalars);
  }

  /** The update as one kernel (kernels/fused_adam.ts), bit for bit `applyComposed`. */
  private applyFused(grads: (tf.Tensor | null | undefined)[], scalars: Omit<FusedAdamAttrs, 'present'>): void {
    const inputs: tf.NamedTensorMap = { m: this.m, v: this.v, lr: this.lr };
    this.params.forEach((p, i) => {
      inputs[`p${i}`] = p;
      if (grads[i]) inputs[`g${i}`] = grads[i]!;
    });
    const attrs: FusedAdamAttrs = { ...scalars, present: this.params.map((_, i) => Boolean(grads[i])) };
    const out = tf.engine().runKernel(FUSED_ADAM, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    const k = this.params.length;
    this.params.forEach((p, i) => p.assign(out[i]));
    this.m.assign(out[k]);
    this.v.assign(out[k + 1]);
    tf.dispose(out);
  }

  /** The update composed of tfjs ops on the flat [P, n] buffers, for every backend. */
  private applyComposed(grads: (tf.Tensor | null | undefined)[], { c1, c2 }: Omit<FusedAdamAttrs, 'present'>): void {
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
