import { linearBias } from '../../kernels/linear-bias.js';
import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { ShapeError } from './shape-error.js';

/**
 * y = x·Wᵀ + b, as torch.nn.functional.linear.
 * input [*, in_features], weight [out_features, in_features], bias [out_features] → [*, out_features].
 */
export function linear(input: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor | null): tf.Tensor {
  if (weight.rank !== 2) {
    throw new ShapeError('linear', `expected weight [out_features, in_features], got ${formatShape(weight.shape)}`);
  }
  const [outF, inF] = weight.shape as [number, number];
  if (input.rank < 1 || input.shape[input.rank - 1] !== inF) {
    throw new ShapeError('linear', `expected input [*, ${inF}], got ${formatShape(input.shape)}`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError('linear', `expected bias [${outF}], got ${formatShape(bias.shape)}`);
  }
  return tf.tidy(() => {
    const flat = input.rank === 2 ? input : tf.reshape(input, [-1, inF]);
    const y = bias
      ? linearBias(flat as tf.Tensor2D, weight as tf.Tensor2D, bias as tf.Tensor1D)
      : tf.matMul(flat, weight, false, true);
    return input.rank === 2 ? y : tf.reshape(y, [...input.shape.slice(0, -1), outF]);
  });
}
