/**
 * The fused log-softmax-gather and its gradient (kernels/fused_logprobs.ts) as WGSL for tfjs's
 * WebGPU backend: one dispatch each, where the composed ops dispatch eleven and five. The
 * forward pass runs a thread per row (V is a few dozen tokens), the gradient a thread per logit.
 * A NaN logit makes its row NaN, as on CPU, so a diverged policy is seen.
 */
import { sizeOf } from './array_kernel';
import { i32, NAN_SAFE, registerGpuKernel, runGpuProgram, workgroupsFor, type GpuKernelFunc } from './gpu_program';

/** logits [..., V], tokens [...] → log π(y) [...] and the log-softmax [..., V]. */
const tokenLogProbs: GpuKernelFunc<Record<string, never>> = ({ inputs: { logits, tokens }, backend }) =>
  runGpuProgram(backend, {
    label: 'LabTokenLogProbs',
    outputs: [['logp', tokens.shape], ['logpAll', logits.shape]],
    inputs: [['z', logits], ['y', tokens]],
    uniforms: [['rows', i32(sizeOf(tokens.shape))], ['V', i32(logits.shape[logits.shape.length - 1])]],
    prelude: NAN_SAFE,
    body: /* wgsl */ `
  if (index >= u.rows) { return; }
  let o = index * u.V;
  var top = z[o];
  for (var v = 1; v < u.V; v++) { top = maxNan(top, z[o + v]); }
  var total = 0.0;
  for (var v = 0; v < u.V; v++) { total += exp(z[o + v] - top); }
  let logTotal = log(total);
  var picked = 0.0;
  for (var v = 0; v < u.V; v++) {
    let lp = (z[o + v] - top) - logTotal;
    logpAll[o + v] = lp;
    if (v == y[index]) { picked = lp; }
  }
  logp[index] = picked;`,
    groups: workgroupsFor(sizeOf(tokens.shape)),
  });

/** dy [...], the log-softmax [..., V], tokens [...] → ∂/∂logits = onehot(y)·dy − softmax·dy. */
const tokenLogProbsGrad: GpuKernelFunc<Record<string, never>> = ({ inputs: { dy, logpAll, tokens }, backend }) =>
  runGpuProgram(backend, {
    label: 'LabTokenLogProbsGrad',
    outputs: [['dz', logpAll.shape]],
    inputs: [['dy', dy], ['lp', logpAll], ['y', tokens]],
    uniforms: [['size', i32(sizeOf(logpAll.shape))], ['V', i32(logpAll.shape[logpAll.shape.length - 1])]],
    prelude: NAN_SAFE,
    body: /* wgsl */ `
  if (index >= u.size) { return; }
  let row = index / u.V;
  let up = dy[row];
  dz[index] = select(0.0, up, index - row * u.V == y[row]) - expNan(lp[index]) * up;`,
    groups: workgroupsFor(sizeOf(logpAll.shape)),
  });

export function registerWebGpuLogProbs(forward: string, gradient: string): void {
  registerGpuKernel(forward, tokenLogProbs);
  registerGpuKernel(gradient, tokenLogProbsGrad);
}
