import { type AdamUpdateAttrs, adamUpdateOp } from '../kernels/adam-update.js';
import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';
import { fusedUpdate } from './fused-update.js';
import { type BaseOptions, Optimizer, type ParamGroup, type ParamGroupInit, type ParamState } from './optimizer.js';

export interface AdamOptions extends BaseOptions {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * Adam, as torch.optim.Adam (PyTorch 1.13), with its state `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq`
 * with amsgrad):
 *
 *   g ← ∇θ (negated when maximize);  g ← g + λθ  (L2 weight decay λ, added to the gradient)
 *   m ← β₁m + (1 - β₁)g;  v ← β₂v + (1 - β₂)g²;  v̂ ← max(v̂, v) with amsgrad, else v̂ = v
 *   θ ← θ - (γ / (1 - β₁ᵗ))·m / (√v̂ / √(1 - β₂ᵗ) + ε)
 *
 * Where the backend has the fused kernel (kernels/adam-update.ts: cpu, wasm, native) the update runs as one kernel per
 * parameter.
 */
export class Adam extends Optimizer<AdamOptions> {
  /** AdamW's decoupled weight decay, θ ← θ(1 - γλ), instead of Adam's L2 term in the gradient. */
  protected readonly decoupledWeightDecay: boolean = false;

  constructor(params: Iterable<Parameter> | ParamGroupInit<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      ...options,
    });
  }

  protected override validate(group: ParamGroup<AdamOptions>): void {
    super.validate(group);
    const name = this.constructor.name;
    const [beta1, beta2] = group.betas;
    if (!(group.eps >= 0)) throw new Error(`${name}: Invalid epsilon value: ${group.eps}`);
    if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`${name}: Invalid beta parameter at index 0: ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new Error(`${name}: Invalid beta parameter at index 1: ${beta2}`);
    if (!(group.weightDecay >= 0)) throw new Error(`${name}: Invalid weight_decay value: ${group.weightDecay}`);
  }

  protected update(param: tf.Tensor, grad: tf.Tensor, group: ParamGroup<AdamOptions>, state: ParamState): tf.Tensor {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = betas;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    this.setState(state, 'step', step);
    const hyper: AdamUpdateAttrs = {
      lr,
      beta1,
      beta2,
      eps,
      weightDecay,
      step,
      amsgrad,
      maximize,
      decoupled: this.decoupledWeightDecay,
    };
    const moments: AdamMoments = {
      expAvg: this.stateTensor(state, 'exp_avg') ?? tf.zerosLike(param),
      expAvgSq: this.stateTensor(state, 'exp_avg_sq') ?? tf.zerosLike(param),
      ...(amsgrad ? { maxExpAvgSq: this.stateTensor(state, 'max_exp_avg_sq') ?? tf.zerosLike(param) } : {}),
    };
    const next = fusedAdam(param, grad, moments, hyper) ?? singleTensorAdam(param, grad, moments, hyper);
    this.setState(state, 'exp_avg', next.expAvg);
    this.setState(state, 'exp_avg_sq', next.expAvgSq);
    if (next.maxExpAvgSq) this.setState(state, 'max_exp_avg_sq', next.maxExpAvgSq);
    return next.param;
  }
}

/** Adam's state of one parameter: the moments, and with amsgrad the running maximum of the second. */
interface AdamMoments {
  expAvg: tf.Tensor;
  expAvgSq: tf.Tensor;
  maxExpAvgSq?: tf.Tensor;
}

/** The update op by op (PyTorch's `_single_tensor_adam`): the formula above, once. */
function singleTensorAdam(
  param: tf.Tensor,
  grad: tf.Tensor,
  { expAvg, expAvgSq, maxExpAvgSq }: AdamMoments,
  h: AdamUpdateAttrs,
): AdamMoments & { param: tf.Tensor } {
  let g = h.maximize ? tf.neg(grad) : grad;
  let p = param;
  if (h.decoupled) p = tf.mul(p, 1 - h.lr * h.weightDecay);
  else if (h.weightDecay !== 0) g = tf.add(g, tf.mul(param, h.weightDecay));
  const m = tf.add(tf.mul(expAvg, h.beta1), tf.mul(g, 1 - h.beta1));
  const v = tf.add(tf.mul(expAvgSq, h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
  const vMax = maxExpAvgSq ? tf.maximum(maxExpAvgSq, v) : undefined;
  const stepSize = h.lr / (1 - h.beta1 ** h.step);
  const denom = tf.add(tf.div(tf.sqrt(vMax ?? v), Math.sqrt(1 - h.beta2 ** h.step)), h.eps);
  const next = tf.sub(p, tf.mul(tf.div(m, denom), stepSize));
  return { param: next, expAvg: m, expAvgSq: v, ...(vMax ? { maxExpAvgSq: vMax } : {}) };
}

/** The same update as one kernel (PyTorch's `_fused_adam`), or undefined where the backend has none. */
function fusedAdam(
  param: tf.Tensor,
  grad: tf.Tensor,
  moments: AdamMoments,
  h: AdamUpdateAttrs,
): (AdamMoments & { param: tf.Tensor }) | undefined {
  const out = fusedUpdate(adamUpdateOp, { param, grad, ...moments }, h);
  if (!out) return undefined;
  const [next, expAvg, expAvgSq, maxExpAvgSq] = out as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?];
  return { param: next, expAvg, expAvgSq, ...(maxExpAvgSq ? { maxExpAvgSq } : {}) };
}
