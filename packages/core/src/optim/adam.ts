import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';
import { ADAM_UPDATE, type AdamUpdateAttrs } from './kernels/adam-update-kernel.js';
import { runFusedUpdate } from './kernels/optimizer-kernels.js';
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
 * On the cpu and wasm backends the update runs as one fused kernel per parameter (kernels/adam-update-kernel.ts).
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
    const fused = runFusedUpdate(
      ADAM_UPDATE,
      {
        param,
        grad,
        expAvg: this.stateTensor(state, 'exp_avg') ?? tf.zerosLike(param),
        expAvgSq: this.stateTensor(state, 'exp_avg_sq') ?? tf.zerosLike(param),
        ...(amsgrad ? { maxExpAvgSq: this.stateTensor(state, 'max_exp_avg_sq') ?? tf.zerosLike(param) } : {}),
      },
      {
        lr,
        beta1,
        beta2,
        eps,
        weightDecay,
        step,
        amsgrad,
        maximize,
        decoupled: this.decoupledWeightDecay,
      } satisfies AdamUpdateAttrs,
    );
    if (fused) {
      const [next, m, v, vMax] = fused as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?];
      this.setState(state, 'exp_avg', m);
      this.setState(state, 'exp_avg_sq', v);
      if (vMax) this.setState(state, 'max_exp_avg_sq', vMax);
      return next;
    }
    let g = maximize ? tf.neg(grad) : grad;
    let p = param;
    if (this.decoupledWeightDecay) p = tf.mul(p, 1 - lr * weightDecay);
    else if (weightDecay !== 0) g = tf.add(g, tf.mul(param, weightDecay));
    const m = tf.add(tf.mul(this.stateTensor(state, 'exp_avg') ?? tf.zerosLike(param), beta1), tf.mul(g, 1 - beta1));
    const v = tf.add(
      tf.mul(this.stateTensor(state, 'exp_avg_sq') ?? tf.zerosLike(param), beta2),
      tf.mul(tf.square(g), 1 - beta2),
    );
    this.setState(state, 'exp_avg', m);
    this.setState(state, 'exp_avg_sq', v);
    let vHat = v;
    if (amsgrad) {
      vHat = tf.maximum(this.stateTensor(state, 'max_exp_avg_sq') ?? tf.zerosLike(param), v);
      this.setState(state, 'max_exp_avg_sq', vHat);
    }
    const stepSize = lr / (1 - beta1 ** step);
    const denom = tf.add(tf.div(tf.sqrt(vHat), Math.sqrt(1 - beta2 ** step)), eps);
    return tf.sub(p, tf.mul(tf.div(m, denom), stepSize));
  }
}
