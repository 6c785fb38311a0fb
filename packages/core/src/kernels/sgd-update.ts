import { cpuData } from './cpu-data.js';
import { defineKernel } from './define-kernel.js';

/** One SGD update of one parameter, fused: see sgdUpdateCpuKernel for the formula. */
export const SGD_UPDATE = 'TrainkitSGDUpdate';

export interface SGDUpdateAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export const sgdUpdateOp = defineKernel<'param' | 'grad' | 'momentumBuffer', SGDUpdateAttrs>(SGD_UPDATE);

const f = Math.fround;

/**
 * One SGD update of one parameter in a single pass, PyTorch 1.13's formula rounded to float32 after every
 * operation:  g ← ±∇ (+ λθ);  b ← g on the first step, else μb + (1 − τ)g;  g ← g + μb (nesterov) or b;  θ ← θ − γg.
 * inputs {param, grad[, momentumBuffer]} → [param] without momentum, [param, momentumBuffer] with it; with momentum and
 * no buffer input, this is the first step.
 */
export const sgdUpdateCpuKernel = sgdUpdateOp.kernel(({ inputs, backend, attrs: a }) => {
  const { param, grad, momentumBuffer } = inputs;
  if (!param || !grad) throw new Error(`${SGD_UPDATE}: missing inputs`);
  const data = cpuData(backend, SGD_UPDATE);
  const withMomentum = a.momentum !== 0;
  const outs = Array.from({ length: withMomentum ? 2 : 1 }, () => data.output(param.shape));
  const p = data.values(param, 'param');
  const g = data.values(grad, 'grad');
  const prev = momentumBuffer ? data.values(momentumBuffer, 'momentumBuffer') : undefined;
  const [pOut, bufOut] = outs.map((t) => data.values(t, 'an output')) as [Float32Array, Float32Array?];
  const { lr, momentum, weightDecay, nesterov } = a;
  const keep = f(1 - a.dampening);
  const sign = a.maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    const theta = p[i]!;
    let d = sign * g[i]!;
    if (weightDecay !== 0) d = f(d + f(theta * weightDecay));
    if (bufOut) {
      const b = prev ? f(f(prev[i]! * momentum) + f(d * keep)) : d;
      bufOut[i] = b;
      d = nesterov ? f(d + f(b * momentum)) : b;
    }
    pOut[i] = f(theta - f(d * lr));
  }
  return outs;
});
