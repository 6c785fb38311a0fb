import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';
import { type BaseOptions, Optimizer, type ParamGroup, type ParamGroupInit, type ParamState } from './optimizer.js';

export interface RMSpropOptions extends BaseOptions {
  /** smoothing constant α of the running average of g² */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** normalise by the estimated variance of the gradient instead of its second moment */
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop, as torch.optim.RMSprop (PyTorch 1.13), with its state `step`, `square_avg` (and `momentum_buffer` with
 * momentum, `grad_avg` when centered):
 *
 *   g ← ∇θ (negated when maximize);  g ← g + λθ  (L2 weight decay λ)
 *   v ← αv + (1 - α)g²;  centered: ḡ ← αḡ + (1 - α)g, v̂ = v - ḡ², else v̂ = v
 *   momentum μ > 0: b ← μb + g / (√v̂ + ε), θ ← θ - γb;  else θ ← θ - γg / (√v̂ + ε)
 *
 * No fused kernel: the update runs op by op on every backend.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Iterable<Parameter> | ParamGroupInit<RMSpropOptions>[], options: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...options,
    });
  }

  protected override validate(group: ParamGroup<RMSpropOptions>): void {
    super.validate(group);
    const name = this.constructor.name;
    if (!(group.eps >= 0)) throw new Error(`${name}: Invalid epsilon value: ${group.eps}`);
    if (!(group.momentum >= 0)) throw new Error(`${name}: Invalid momentum value: ${group.momentum}`);
    if (!(group.weightDecay >= 0)) throw new Error(`${name}: Invalid weight_decay value: ${group.weightDecay}`);
    if (!(group.alpha >= 0)) throw new Error(`${name}: Invalid alpha value: ${group.alpha}`);
  }

  protected update(param: tf.Tensor, grad: tf.Tensor, group: ParamGroup<RMSpropOptions>, state: ParamState): tf.Tensor {
    this.setState(state, 'step', ((state.step as number | undefined) ?? 0) + 1);
    // Buffers are created when first needed: momentum switched on after the first step finds one (PyTorch raises).
    const buffers: RMSpropBuffers = {
      squareAvg: this.stateTensor(state, 'square_avg') ?? tf.zerosLike(param),
      ...(group.momentum > 0
        ? { momentumBuffer: this.stateTensor(state, 'momentum_buffer') ?? tf.zerosLike(param) }
        : {}),
      ...(group.centered ? { gradAvg: this.stateTensor(state, 'grad_avg') ?? tf.zerosLike(param) } : {}),
    };
    const next = singleTensorRmsprop(param, grad, buffers, group);
    this.setState(state, 'square_avg', next.squareAvg);
    if (next.momentumBuffer) this.setState(state, 'momentum_buffer', next.momentumBuffer);
    if (next.gradAvg) this.setState(state, 'grad_avg', next.gradAvg);
    return next.param;
  }
}

/** RMSprop's state of one parameter. */
interface RMSpropBuffers {
  squareAvg: tf.Tensor;
  momentumBuffer?: tf.Tensor;
  gradAvg?: tf.Tensor;
}

/** The update op by op (PyTorch's `_single_tensor_rmsprop`): the formula above, once. */
function singleTensorRmsprop(
  param: tf.Tensor,
  grad: tf.Tensor,
  { squareAvg, momentumBuffer, gradAvg }: RMSpropBuffers,
  h: RMSpropOptions,
): RMSpropBuffers & { param: tf.Tensor } {
  let g = h.maximize ? tf.neg(grad) : grad;
  if (h.weightDecay !== 0) g = tf.add(g, tf.mul(param, h.weightDecay));
  const v = tf.add(tf.mul(squareAvg, h.alpha), tf.mul(tf.square(g), 1 - h.alpha));
  const gAvg = gradAvg ? tf.add(tf.mul(gradAvg, h.alpha), tf.mul(g, 1 - h.alpha)) : undefined;
  const avg = tf.add(tf.sqrt(gAvg ? tf.sub(v, tf.square(gAvg)) : v), h.eps);
  const out: RMSpropBuffers & { param: tf.Tensor } = { param, squareAvg: v, ...(gAvg ? { gradAvg: gAvg } : {}) };
  if (momentumBuffer) {
    const buf = tf.add(tf.mul(momentumBuffer, h.momentum), tf.div(g, avg));
    out.momentumBuffer = buf;
    out.param = tf.sub(param, tf.mul(buf, h.lr));
  } else {
    out.param = tf.sub(param, tf.mul(tf.div(g, avg), h.lr));
  }
  return out;
}
