import { tf } from '../../tf.js';
import { Loss } from './loss.js';
import { checkBroadcastable, checkFloat, checkSameShape } from './loss-checks.js';
import { checkReduction, type Reduction, reduce } from './reduction.js';

export interface BCELossOptions {
  /** a rescaling weight broadcast against the input (e.g. one per element of the batch) */
  weight?: tf.Tensor | null;
  reduction?: Reduction;
}

// PyTorch clamps both logs at -100, so probabilities of exactly 0 or 1 give a finite loss, and its gradient is
// (x - y) / max(x(1 - x), 1e-12) rather than the derivative of the clamped logs (which vanishes where they clamp).
const elementwiseBce = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, y]);
  const logX = tf.maximum(tf.log(x), -100);
  const log1mX = tf.maximum(tf.log1p(tf.neg(x)), -100);
  const value = tf.sub(tf.mul(tf.sub(y, 1), log1mX), tf.mul(y, logX));
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [xs, ys] = saved as [tf.Tensor, tf.Tensor];
    const denom = tf.maximum(tf.mul(tf.sub(1, xs), xs), 1e-12);
    const dx = tf.mul(dy, tf.div(tf.sub(xs, ys), denom));
    const dTarget = tf.mul(dy, tf.sub(tf.log1p(tf.neg(xs)), tf.log(xs)));
    return [dx, dTarget];
  };
  return { value, gradFunc };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;

/**
 * Binary cross entropy between probabilities `input` and targets in [0, 1] of the same shape:
 * ℓ_i = -w_i·(y_i·log x_i + (1 - y_i)·log(1 - x_i)), each log clamped at -100 as in PyTorch.
 * For logits, binaryCrossEntropyWithLogits is the numerically stable choice.
 */
export function binaryCrossEntropy(input: tf.Tensor, target: tf.Tensor, options: BCELossOptions = {}): tf.Tensor {
  return bce('binaryCrossEntropy', input, target, options);
}

function bce(name: string, input: tf.Tensor, target: tf.Tensor, options: BCELossOptions): tf.Tensor {
  const { weight = null, reduction = 'mean' } = options;
  checkReduction(name, reduction);
  checkFloat(name, 'input', input);
  checkFloat(name, 'target', target);
  checkSameShape(name, input, target);
  if (weight) checkBroadcastable(name, 'weight', weight, input.shape);
  return tf.tidy(() => {
    const loss = elementwiseBce(input, target);
    return reduce(weight ? tf.mul(loss, weight) : loss, reduction);
  });
}

/** torch.nn.BCELoss: `forward(probabilities, target)`. See binaryCrossEntropy. */
export class BCELoss extends Loss {
  constructor(options: BCELossOptions = {}) {
    super(options.reduction);
    this.registerBuffer('weight', options.weight ? options.weight.clone() : null);
  }

  get weight(): tf.Tensor | null {
    return this.optionalBuffer('weight');
  }

  forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    return bce(this.typeName, input, target, { weight: this.weight, reduction: this.reduction });
  }
}
