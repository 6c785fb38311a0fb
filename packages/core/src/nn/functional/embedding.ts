import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { ShapeError } from './shape-error.js';

/**
 * Looks rows of `weight` [num_embeddings, embedding_dim] up by the integer indices in `input` (any shape) →
 * [*input.shape, embedding_dim], as torch.nn.functional.embedding. The row `paddingIdx` gets no gradient, as in
 * PyTorch (its value is returned as it is). An index out of range is an error naming it.
 */
export function embedding(input: tf.Tensor, weight: tf.Tensor, paddingIdx: number | null = null): tf.Tensor {
  if (weight.rank !== 2) {
    throw new ShapeError(
      'embedding',
      `expected weight [num_embeddings, embedding_dim], got ${formatShape(weight.shape)}`,
    );
  }
  if (input.dtype !== 'int32') {
    throw new ShapeError('embedding', `expected integer indices (int32), got a ${input.dtype} tensor`);
  }
  const [n, dim] = weight.shape as [number, number];
  const indices = input.dataSync();
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (v < 0 || v >= n) throw new ShapeError('embedding', `index ${v} at position ${i} is out of range [0, ${n})`);
  }
  return tf.tidy(() => {
    const flat = tf.reshape(input, [-1]);
    // tfjs's customGrad types its callback loosely; the cast says what it is
    const lookup = tf.customGrad(((w: tf.Tensor, save: tf.GradSaveFunc) => {
      save([flat]);
      return {
        value: tf.gather(w, flat),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const grad = tf.unsortedSegmentSum(dy, saved[0] as tf.Tensor1D, n);
          if (paddingIdx === null) return grad;
          return tf.mul(grad, tf.reshape(tf.oneHot(tf.tensor1d([paddingIdx], 'int32'), n, 0, 1), [n, 1]));
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor) => tf.Tensor;
    return tf.reshape(lookup(weight), [...input.shape, dim]);
  });
}
