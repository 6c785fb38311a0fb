import { formatShape } from '../nn/module-error.js';
import { tf } from '../tf.js';

/**
 * Values of `input` along `dim` at the positions `index` gives, as torch.gather: for dim 1 of a 2-d input,
 * out[i][j] = input[i][index[i][j]]. `index` is int32 with input's rank and no dimension larger than input's
 * (except along `dim`); the output has index's shape. Differentiable in `input` (the gradient adds up where an
 * element is picked more than once), so a from-scratch cross-entropy `−log(ŷ.gather(1, y.view(−1, 1)))` — d2l's
 * `y_hat[range(len(y_hat)), y]` — trains.
 */
export function gather(input: tf.Tensor, dim: number, index: tf.Tensor): tf.Tensor {
  const rank = input.rank;
  if (!Number.isInteger(dim) || dim < -Math.max(rank, 1) || dim >= Math.max(rank, 1)) {
    throw new Error(`gather: dim ${dim} is out of range for a ${rank}-d input`);
  }
  const d = dim < 0 ? dim + rank : dim;
  if (index.dtype !== 'int32') throw new Error(`gather: index must be an int32 tensor, got ${index.dtype}`);
  if (index.rank !== rank) {
    throw new Error(
      `gather: index ${formatShape(index.shape)} must have input's rank (input ${formatShape(input.shape)})`,
    );
  }
  const bad = index.shape.findIndex((n, a) => a !== d && n > input.shape[a]!);
  if (bad >= 0) {
    throw new Error(
      `gather: index ${formatShape(index.shape)} is larger than input ${formatShape(input.shape)} in dimension ${bad}`,
    );
  }
  const strides = input.shape.map((_, a) => input.shape.slice(a + 1).reduce((p, n) => p * n, 1));
  const values = index.dataSync();
  const flat = new Int32Array(values.length);
  const coord = new Array<number>(rank).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= input.shape[d]!) {
      // PyTorch's words (it takes no negative indices here either), and where in index
      throw new Error(
        `gather: index ${v} is out of bounds for dimension ${d} with size ${input.shape[d]} (index position ${i})`,
      );
    }
    let offset = 0;
    for (let a = 0; a < rank; a++) offset += (a === d ? v : coord[a]!) * strides[a]!;
    flat[i] = offset;
    // the next position of index, row-major
    for (let a = rank - 1; a >= 0; a--) {
      if (++coord[a]! < index.shape[a]!) break;
      coord[a] = 0;
    }
  }
  return tf.tidy(() => tf.reshape(tf.gather(tf.reshape(input, [-1]), flat), index.shape));
}
