import { normalizeDim } from '../nn/functional/dims.js';
import { isOptions } from '../nn/functional/options.js';
import { formatShape } from '../nn/module-error.js';
import { tf } from '../tf.js';

export interface ArgmaxOptions {
  /** the dimension to reduce; null (the default) takes the argmax of the flattened input */
  dim?: number | null;
  /** keep the reduced dimension with size 1 (default false) */
  keepdim?: boolean;
}

/**
 * The indices of the maximum values along `dim`, as torch.argmax(input, dim, keepdim) (PyTorch 1.13): the first index
 * where the maximum occurs more than once, and a NaN counts as the maximum (its first index wins), as in PyTorch.
 * Without a dim the index into the flattened input: a scalar, or with keepdim a tensor of the input's rank with every
 * size 1, as in 1.13. The indices are int32 (PyTorch's are int64).
 *
 *   argmax(logits, 1)                     // [N, C] → [N]
 *   argmax(logits, 1, { keepdim: true })  // [N, C] → [N, 1]
 *   argmax(logits, { dim: 1, keepdim: true })
 */
export function argmax(
  input: tf.Tensor,
  dim: number | null | ArgmaxOptions = null,
  options: Omit<ArgmaxOptions, 'dim'> = {},
): tf.Tensor {
  const o: ArgmaxOptions = isOptions<ArgmaxOptions>(dim) ? dim : { ...options, dim };
  if (!(input instanceof tf.Tensor)) throw new Error('argmax: expected a tensor as input');
  const d = o.dim ?? null;
  const keepdim = o.keepdim ?? false;
  if (d === null) {
    if (input.size === 0) {
      throw new Error(
        `argmax: Expected reduction dim to be specified for an empty input (shape ${formatShape(input.shape)})`,
      );
    }
    return tf.tidy(() => {
      const index = firstMaxIndex(tf.reshape(input, [-1]), 0, false);
      return keepdim
        ? tf.reshape(
            index,
            input.shape.map(() => 1),
          )
        : index;
    });
  }
  const axis = normalizeDim('argmax', d, input.rank);
  // A 0-d tensor reduces along its one implicit dimension, as in PyTorch.
  if (input.rank === 0) return tf.tidy(() => tf.reshape(firstMaxIndex(tf.reshape(input, [1]), 0, false), []));
  if (input.shape[axis] === 0) {
    throw new Error(
      `argmax: Expected reduction dim ${axis} to have non-zero size (input shape ${formatShape(input.shape)})`,
    );
  }
  return tf.tidy(() => firstMaxIndex(input, axis, keepdim));
}

function firstMaxIndex(x: tf.Tensor, axis: number, keepdim: boolean): tf.Tensor {
  let index: tf.Tensor;
  if (x.dtype === 'float32') {
    // tfjs's argMax skips a NaN that is not the first element; PyTorch returns the first NaN.
    const nan = tf.isNaN(x);
    index = tf.where(tf.any(nan, axis), tf.argMax(tf.cast(nan, 'int32'), axis), tf.argMax(x, axis));
  } else {
    index = tf.argMax(x.dtype === 'bool' ? tf.cast(x, 'int32') : x, axis);
  }
  return keepdim ? tf.expandDims(index, axis) : index;
}
