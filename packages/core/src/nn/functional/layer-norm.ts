import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { ShapeError } from './shape-error.js';

/**
 * Normalises over the last dimensions of `input` that `normalizedShape` names, as torch.nn.functional.layer_norm:
 * y = (x − E[x]) / √(Var[x] + eps) · weight + bias, with the biased variance, weight and bias of shape
 * normalizedShape (each optional).
 */
export function layerNorm(
  input: tf.Tensor,
  normalizedShape: readonly number[],
  weight?: tf.Tensor | null,
  bias?: tf.Tensor | null,
  eps = 1e-5,
): tf.Tensor {
  const k = normalizedShape.length;
  const tail = input.shape.slice(input.rank - k);
  if (k === 0 || input.rank < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(
      'layer_norm',
      `expected input [*, ${normalizedShape.join(', ')}] (normalized_shape ${formatShape(normalizedShape)}), got ${formatShape(input.shape)}`,
    );
  }
  for (const [what, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && (t.rank !== k || t.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new ShapeError(
        'layer_norm',
        `expected ${what} ${formatShape(normalizedShape)}, got ${formatShape(t.shape)}`,
      );
    }
  }
  return tf.tidy(() => {
    const axes = Array.from({ length: k }, (_, i) => input.rank - k + i);
    const { mean, variance } = tf.moments(input, axes, true);
    let y = tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, eps)));
    if (weight) y = tf.mul(y, weight);
    if (bias) y = tf.add(y, bias);
    return y;
  });
}
