import { tf } from '../../tf.js';
import { normalizeDim } from './dims.js';
import { ShapeError } from './shape-error.js';

/**
 * Merges dimensions startDim..endDim into one, as torch.flatten (whose defaults 0 and −1 differ from nn.Flatten's
 * 1 and −1). Tensors are NCHW at every boundary, so features come out in PyTorch's order.
 */
export function flatten(input: tf.Tensor, startDim = 0, endDim = -1): tf.Tensor {
  if (input.rank === 0) return tf.reshape(input, [1]);
  const s = normalizeDim('flatten', startDim, input.rank);
  const e = normalizeDim('flatten', endDim, input.rank);
  if (s > e) throw new ShapeError('flatten', `start_dim ${startDim} cannot come after end_dim ${endDim}`);
  const shape = input.shape;
  const merged = shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return tf.reshape(input, [...shape.slice(0, s), merged, ...shape.slice(e + 1)]);
}
