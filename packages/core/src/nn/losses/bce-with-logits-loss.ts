import { tf } from '../../tf.js';
import { Loss } from './loss.js';
import { checkBroadcastable, checkFloat, checkSameShape } from './loss-checks.js';
import { checkReduction, type Reduction, reduce } from './reduction.js';

export interface BCEWithLogitsLossOptions {
  /** a rescaling weight broadcast against the input */
  weight?: tf.Tensor | null;
  /** a weight for positive examples, broadcast along the last (class) dimension, e.g. shape [C] */
  posWeight?: tf.Tensor | null;
  reduction?: Reduction;
}

// log(1 + e^x) = max(x, 0) + log(1 + e^{-|x|}), exact for any x, with the gradient σ(x) written out: the kinks of
// max and |x| at 0 would otherwise give the backends' subgradient conventions there instead of σ(0) = 0.5.
const softplus = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  const value = tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
  return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sigmoid(saved[0]!)) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

/**
 * Binary cross entropy on logits, sigmoid and log fused for stability:
 * ℓ_i = -w_i·(p·y_i·log σ(x_i) + (1 - y_i)·log(1 - σ(x_i))) with p the positive weight, computed as
 * (1 - y)·x + (1 + (p - 1)·y)·(log(1 + e^{-|x|}) + max(-x, 0)), which neither overflows nor loses precision.
 */
export function binaryCrossEntropyWithLogits(
  input: tf.Tensor,
  target: tf.Tensor,
  options: BCEWithLogitsLossOptions = {},
): tf.Tensor {
  return bceWithLogits('binaryCrossEntropyWithLogits', input, target, options);
}

function bceWithLogits(
  name: string,
  input: tf.Tensor,
  target: tf.Tensor,
  options: BCEWithLogitsLossOptions,
): tf.Tensor {
  const { weight = null, posWeight = null, reduction = 'mean' } = options;
  checkReduction(name, reduction);
  checkFloat(name, 'input (logits)', input);
  checkFloat(name, 'target', target);
  checkSameShape(name, input, target);
  if (weight) checkBroadcastable(name, 'weight', weight, input.shape);
  if (posWeight) checkBroadcastable(name, 'posWeight', posWeight, input.shape);
  return tf.tidy(() => {
    const softplusNeg = softplus(tf.neg(input));
    const logWeight = posWeight ? tf.add(tf.mul(tf.sub(posWeight, 1), target), 1) : null;
    const loss = tf.add(tf.mul(tf.sub(1, target), input), logWeight ? tf.mul(logWeight, softplusNeg) : softplusNeg);
    return reduce(weight ? tf.mul(loss, weight) : loss, reduction);
  });
}

/** torch.nn.BCEWithLogitsLoss: `forward(logits, target)`. See binaryCrossEntropyWithLogits. */
export class BCEWithLogitsLoss extends Loss {
  constructor(options: BCEWithLogitsLossOptions = {}) {
    super(options.reduction);
    this.registerBuffer('weight', options.weight ? options.weight.clone() : null);
    this.registerBuffer('pos_weight', options.posWeight ? options.posWeight.clone() : null);
  }

  get weight(): tf.Tensor | null {
    return this.optionalBuffer('weight');
  }

  get posWeight(): tf.Tensor | null {
    return this.optionalBuffer('pos_weight');
  }

  forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    return bceWithLogits(this.typeName, input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}
