/**
 * log π(y_t | ·) from logits as one kernel, and its gradient as one more, on the CPU and WASM
 * backends (and in WGSL on WebGPU, webgpu_logprobs.ts). Composed of tfjs ops the forward pass is eleven kernels (one-hot, cast, the six of
 * log-softmax, product, sum) and its gradient five; every method runs it in each of its steps.
 *
 * The numbers are the CPU backend's for the composed ops (math/logprobs.ts): each operation
 * rounded to float32 as its kernel rounds it (Math.fround), reductions summed in double and
 * rounded once as tfjs-backend-cpu's Sum does, exp and log through Math.exp and Math.log as
 * its Exp and Log do. On CPU the two paths agree bit for bit; the WASM backend's own exp and
 * float sums round differently, within a few float32 ulps of these.
 */
import { registerArrayKernel, sizeOf, type ArrayKernelFunc } from './array_kernel';
import { registerWebGpuLogProbs } from './webgpu_logprobs';

export const TOKEN_LOGP = 'LabTokenLogProbs';
export const TOKEN_LOGP_GRAD = 'LabTokenLogProbsGrad';

/**
 * logits [..., V], tokens [...] → log π(y) [...] and the whole log-softmax [..., V] (kept for
 * the gradient): tfjs's logSoftmax, (z − max z) − log Σ exp(z − max z), then the one-hot product.
 */
const tokenLogProbs: ArrayKernelFunc<Record<string, never>> = ({ logits, tokens }) => {
  const f = Math.fround;
  const z = logits.values;
  const V = logits.shape[logits.shape.length - 1];
  const rows = sizeOf(tokens.shape);
  const logpAll = new Float32Array(rows * V);
  const logp = new Float32Array(rows);
  const shifted = new Float64Array(V);
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, z[o + v]);
    let total = 0;
    for (let v = 0; v < V; v++) {
      shifted[v] = f(z[o + v] - max);
      total += f(Math.exp(shifted[v]));
    }
    const logTotal = f(Math.log(f(total)));
    const y = tokens.values[r];
    let picked = 0;
    for (let v = 0; v < V; v++) {
      const lp = f(shifted[v] - logTotal);
      logpAll[o + v] = lp;
      picked += f(lp * (v === y ? 1 : 0));
    }
    logp[r] = picked;
  }
  return [
    { values: logp, shape: tokens.shape },
    { values: logpAll, shape: logits.shape },
  ];
};

/** dy [...], the saved log-softmax [..., V], tokens [...] → ∂/∂logits = onehot(y)·dy − softmax·dy. */
const tokenLogProbsGrad: ArrayKernelFunc<Record<string, never>> = ({ dy, logpAll, tokens }) => {
  const f = Math.fround;
  const lp = logpAll.values;
  const V = logpAll.shape[logpAll.shape.length - 1];
  const out = new Float32Array(lp.length);
  for (let r = 0, rows = sizeOf(tokens.shape); r < rows; r++) {
    const up = dy.values[r];
    const y = tokens.values[r];
    for (let v = 0, i = r * V; v < V; v++, i++) out[i] = f(f(up * (v === y ? 1 : 0)) - f(f(Math.exp(lp[i])) * up));
  }
  return [{ values: out, shape: logpAll.shape }];
};

export function registerFusedLogProbs(): void {
  registerArrayKernel(TOKEN_LOGP, tokenLogProbs);
  registerArrayKernel(TOKEN_LOGP_GRAD, tokenLogProbsGrad);
  registerWebGpuLogProbs(TOKEN_LOGP, TOKEN_LOGP_GRAD);
}
