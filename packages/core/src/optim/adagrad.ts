import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';
import { type BaseOptions, Optimizer, type ParamGroup, type ParamGroupInit, type ParamState } from './optimizer.js';

export interface AdagradOptions extends BaseOptions {
  /** the lr at step t is γ / (1 + (t - 1)·lrDecay) */
  lrDecay: number;
  weightDecay: number;
  /** the value the sum of squared gradients starts from */
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad, as torch.optim.Adagrad (PyTorch 1.13), with its state `step` and `sum`:
 *
 *   g ← ∇θ (negated when maximize);  g ← g + λθ  (L2 weight decay λ)
 *   γ̃ ← γ / (1 + (t - 1)η)  (lr decay η);  s ← s + g²;  θ ← θ - γ̃·g / (√s + ε)
 *
 * As in PyTorch the state of every parameter exists from construction (`sum` filled with initialAccumulatorValue,
 * `step` 0), so the state dict lists parameters that never had a gradient. As in PyTorch 1.13 the sum starts from the
 * constructor's initialAccumulatorValue: a parameter group's own value is kept in the group (and its state dict) but
 * fills nothing. No fused kernel: the update runs op by op on every backend.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Iterable<Parameter> | ParamGroupInit<AdagradOptions>[], options: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      ...options,
    });
  }

  override addParamGroup(group: ParamGroupInit<AdagradOptions>): void {
    super.addParamGroup(group);
    const added = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of added.params) {
      const state: ParamState = {};
      this.setState(state, 'step', 0);
      this.setState(state, 'sum', tf.fill(p.shape, this.defaults.initialAccumulatorValue, 'float32'));
      this.state.set(p, state);
    }
  }

  protected override validate(group: ParamGroup<AdagradOptions>): void {
    super.validate(group);
    const name = this.constructor.name;
    if (!(group.lrDecay >= 0)) throw new Error(`${name}: Invalid lr_decay value: ${group.lrDecay}`);
    if (!(group.weightDecay >= 0)) throw new Error(`${name}: Invalid weight_decay value: ${group.weightDecay}`);
    if (!(group.initialAccumulatorValue >= 0)) {
      throw new Error(`${name}: Invalid initial_accumulator_value value: ${group.initialAccumulatorValue}`);
    }
    if (!(group.eps >= 0)) throw new Error(`${name}: Invalid epsilon value: ${group.eps}`);
  }

  protected update(param: tf.Tensor, grad: tf.Tensor, group: ParamGroup<AdagradOptions>, state: ParamState): tf.Tensor {
    // After dispose() or a state dict without this parameter the state starts again as at construction.
    const step = ((state.step as number | undefined) ?? 0) + 1;
    this.setState(state, 'step', step);
    const sum =
      this.stateTensor(state, 'sum') ?? tf.fill(param.shape, this.defaults.initialAccumulatorValue, 'float32');
    const next = singleTensorAdagrad(param, grad, sum, step, group);
    this.setState(state, 'sum', next.sum);
    return next.param;
  }
}

/** The update op by op (PyTorch's `_single_tensor_adagrad`): the formula above, once. */
function singleTensorAdagrad(
  param: tf.Tensor,
  grad: tf.Tensor,
  sum: tf.Tensor,
  step: number,
  h: AdagradOptions,
): { param: tf.Tensor; sum: tf.Tensor } {
  let g = h.maximize ? tf.neg(grad) : grad;
  if (h.weightDecay !== 0) g = tf.add(g, tf.mul(param, h.weightDecay));
  const clr = h.lr / (1 + (step - 1) * h.lrDecay);
  const s = tf.add(sum, tf.square(g));
  const std = tf.add(tf.sqrt(s), h.eps);
  return { param: tf.sub(param, tf.mul(tf.div(g, std), clr)), sum: s };
}
