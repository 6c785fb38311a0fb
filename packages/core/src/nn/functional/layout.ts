import { tf } from '../../tf.js';

/**
 * Runs `fn` on a batched input: PyTorch layers take an unbatched sample ([C, H, W] for 2-d ops) as a batch of one,
 * and return an unbatched result. `rank` is the batched rank.
 */
export function withBatchDim(input: tf.Tensor, rank: number, fn: (batched: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (input.rank === rank) return fn(input);
  return tf.squeeze(fn(tf.expandDims(input, 0)), [0]);
}

/** PyTorch's NCHW to the NHWC layout tfjs's convolution and pooling kernels run in. */
export const toNHWC = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;

/** Back from NHWC to PyTorch's NCHW. */
export const toNCHW = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;
