import { cpuData } from './cpu-data.js';
import { defineKernel } from './define-kernel.js';

/** One Adam (or AdamW) update of one parameter, fused: see adamUpdateCpuKernel for the formula. */
export const ADAM_UPDATE = 'TrainkitAdamUpdate';

export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** the step number t after this update (1 on the first) */
  step: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: θ ← θ(1 − γλ) before the step, instead of g ← g + λθ */
  decoupled: boolean;
}

export const adamUpdateOp = defineKernel<'param' | 'grad' | 'expAvg' | 'expAvgSq' | 'maxExpAvgSq', AdamUpdateAttrs>(
  ADAM_UPDATE,
);

const f = Math.fround;

/**
 * The per-step constants of an Adam update, computed once in double precision: every backend's fused kernel takes
 * them from here so that all round alike.
 */
export function adamUpdateConstants(a: AdamUpdateAttrs) {
  return {
    b1: a.beta1,
    b2: a.beta2,
    eps: a.eps,
    /** L2 penalty added to the gradient (Adam), 0 for AdamW */
    l2: a.decoupled ? 0 : a.weightDecay,
    stepSize: a.lr / (1 - a.beta1 ** a.step),
    bc2Sqrt: Math.sqrt(1 - a.beta2 ** a.step),
    /** AdamW's θ factor, 1 for Adam */
    decay: a.decoupled ? f(1 - a.lr * a.weightDecay) : 1,
    sign: a.maximize ? -1 : 1,
  };
}

/**
 * One Adam (or AdamW) update of one parameter in a single pass, with PyTorch 1.13's formula and its float32 rounding
 * after every operation (as its `_single_tensor_adam` does op by op):
 *
 *   g ← ±∇ (+ λθ);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂ ← max(v̂, v) with amsgrad
 *   θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 *
 * inputs {param, grad, expAvg, expAvgSq[, maxExpAvgSq]} → [param, expAvg, expAvgSq[, maxExpAvgSq]], all fresh.
 * Stands in for the 13 elementwise kernels (and their engine bookkeeping) the op-by-op update runs per parameter, on
 * tfjs's cpu backend; @trainkit/backend-wasm's optimizer-update.wat is the wasm backend's.
 */
export const adamUpdateCpuKernel = adamUpdateOp.kernel(({ inputs, backend, attrs: a }) => {
  const { param, grad, expAvg, expAvgSq, maxExpAvgSq } = inputs;
  if (!param || !grad || !expAvg || !expAvgSq || (a.amsgrad && !maxExpAvgSq)) {
    throw new Error(`${ADAM_UPDATE}: missing inputs`);
  }
  const data = cpuData(backend, ADAM_UPDATE);
  const outs = Array.from({ length: a.amsgrad ? 4 : 3 }, () => data.output(param.shape));
  const [p, g, m, v] = [param, grad, expAvg, expAvgSq].map((t) => data.values(t, 'an input')) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const vMax = maxExpAvgSq ? data.values(maxExpAvgSq, 'maxExpAvgSq') : undefined;
  const [pOut, mOut, vOut, vMaxOut] = outs.map((t) => data.values(t, 'an output')) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array?,
  ];
  const { b1, b2, eps, l2, stepSize, bc2Sqrt, decay, sign } = adamUpdateConstants(a);
  const oneMinusB1 = f(1 - b1);
  const oneMinusB2 = f(1 - b2);
  for (let i = 0; i < p.length; i++) {
    const theta = p[i]!;
    let gi = sign * g[i]!;
    if (l2 !== 0) gi = f(gi + f(theta * l2));
    const mi = f(f(m[i]! * b1) + f(gi * oneMinusB1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * oneMinusB2));
    mOut[i] = mi;
    vOut[i] = vi;
    let vHat = vi;
    if (vMax && vMaxOut) {
      vHat = Math.max(vMax[i]!, vi);
      vMaxOut[i] = vHat;
    }
    const denom = f(f(f(Math.sqrt(vHat)) / bc2Sqrt) + eps);
    pOut[i] = f(f(decay === 1 ? theta : theta * decay) - f(stepSize * f(mi / denom)));
  }
  return outs;
});
