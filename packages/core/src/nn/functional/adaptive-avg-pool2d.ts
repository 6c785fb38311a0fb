import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { withBatchDim } from './layout.js';
import { checkImageInput } from './pooling.js';
import { ShapeError } from './shape-error.js';

/** A target size per dimension; null keeps the input's. */
export type AdaptiveSize = number | null | readonly [number | null, number | null];

/** Row i averages input[⌊i·n/m⌋ .. ⌈(i+1)·n/m⌉): PyTorch's adaptive windows as an [m, n] matrix. */
function averagingMatrix(n: number, m: number): tf.Tensor2D {
  const a = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const start = Math.floor((i * n) / m);
    const end = Math.ceil(((i + 1) * n) / m);
    for (let j = start; j < end; j++) a[i * n + j] = 1 / (end - start);
  }
  return tf.tensor2d(a, [m, n]);
}

/**
 * 2-d adaptive average pooling, as torch.nn.functional.adaptive_avg_pool2d: input [N, C, H, W] or [C, H, W] →
 * [N, C, oH, oW], window i over rows ⌊i·H/oH⌋ to ⌈(i+1)·H/oH⌉. The windows of rows and columns are independent, so
 * the pool is two matrix products, A_H · X · A_Wᵀ.
 */
export function adaptiveAvgPool2d(input: tf.Tensor, outputSize: AdaptiveSize): tf.Tensor {
  checkImageInput('adaptive_avg_pool2d', input);
  const [h, w] = input.shape.slice(input.rank - 2) as [number, number];
  const size = Array.isArray(outputSize) ? outputSize : [outputSize, outputSize];
  if (size.length !== 2 || size.some((v) => v !== null && (!Number.isInteger(v) || v < 1))) {
    throw new ShapeError(
      'adaptive_avg_pool2d',
      `output_size must be positive integers or None, got ${JSON.stringify(outputSize)}`,
    );
  }
  const oh = size[0] ?? h;
  const ow = size[1] ?? w;
  if (h === 0 || w === 0)
    throw new ShapeError('adaptive_avg_pool2d', `expected a non-empty input, got ${formatShape(input.shape)}`);
  return tf.tidy(() =>
    withBatchDim(input, 4, (x) => {
      const [n, c] = x.shape as [number, number];
      const rows = tf.matMul(tf.reshape(x, [n * c * h, w]), averagingMatrix(w, ow), false, true); // [n·c·h, ow]
      const cols = tf.transpose(tf.reshape(rows, [n * c, h, ow]), [0, 2, 1]); // [n·c, ow, h]
      const both = tf.matMul(tf.reshape(cols, [n * c * ow, h]), averagingMatrix(h, oh), false, true); // [n·c·ow, oh]
      return tf.reshape(tf.transpose(tf.reshape(both, [n * c, ow, oh]), [0, 2, 1]), [n, c, oh, ow]);
    }),
  );
}
