import { tf } from '../../tf.js';
import { toNCHW, toNHWC, withBatchDim } from './layout.js';
import { type IntOrPair, pair } from './ntuple.js';
import { isOptions } from './options.js';
import { checkPoolPadding } from './padding.js';
import { checkImageInput, poolGeometry } from './pooling.js';
import { padOrCrop, takeEvery } from './strided-window.js';

export interface MaxPool2dOptions {
  /** defaults to kernelSize */
  stride?: IntOrPair | null;
  /** implicit −∞ on both sides, at most half the kernel */
  padding?: IntOrPair;
  dilation?: IntOrPair;
  /** count a last partial window, as long as it starts inside the input or the left padding */
  ceilMode?: boolean;
}

/**
 * 2-d max pooling over NCHW images, as torch.nn.functional.max_pool2d.
 * input [N, C, H, W] or [C, H, W] → [N, C, H_out, W_out] with
 * H_out = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1 (⌈⌉ with ceilMode). A gradient goes to the first
 * maximum of its window, as in PyTorch.
 */
export function maxPool2d(
  input: tf.Tensor,
  kernelSize: IntOrPair,
  stride: IntOrPair | null | MaxPool2dOptions = null,
  padding: IntOrPair = 0,
  dilation: IntOrPair = 1,
  ceilMode = false,
): tf.Tensor {
  const o: MaxPool2dOptions = isOptions<MaxPool2dOptions>(stride) ? stride : { stride, padding, dilation, ceilMode };
  const g = maxPoolArgs(input, kernelSize, o);
  return tf.tidy(() => withBatchDim(input, 4, (x) => toNCHW(maxPoolNHWC(toNHWC(x), g))));
}

interface MaxPoolGeometry {
  k: [number, number];
  s: [number, number];
  d: [number, number];
  out: [number, number];
  pads: [number, number][];
}

function maxPoolArgs(input: tf.Tensor, kernelSize: IntOrPair, o: MaxPool2dOptions): MaxPoolGeometry {
  checkImageInput('max_pool2d', input);
  const k = pair(kernelSize, 'max_pool2d kernel_size');
  const s = o.stride == null ? k : pair(o.stride, 'max_pool2d stride');
  const p = pair(o.padding ?? 0, 'max_pool2d padding');
  const d = pair(o.dilation ?? 1, 'max_pool2d dilation');
  checkPoolPadding('max_pool2d', k, p);
  const { out, pads } = poolGeometry('max_pool2d', input, k, s, p, d, o.ceilMode ?? false);
  return { k, s, d, out, pads };
}

function maxPoolNHWC(xh: tf.Tensor4D, { k, s, d, out, pads }: MaxPoolGeometry): tf.Tensor4D {
  const padded = padOrCrop(xh, pads, Number.NEGATIVE_INFINITY);
  if (d[0] === 1 && d[1] === 1) return tf.maxPool(padded, k, s, 'valid');
  // tfjs pools have no dilation: take each kernel tap's strided view and keep the running maximum (ties stay
  // with the earlier tap, so the gradient goes to the first maximum as in PyTorch).
  let y: tf.Tensor | undefined;
  for (let i = 0; i < k[0]; i++) {
    for (let j = 0; j < k[1]; j++) {
      const tap = takeEvery(takeEvery(padded, 1, i * d[0], s[0], out[0]), 2, j * d[1], s[1], out[1]);
      y = y ? tf.maximum(y, tap) : tap;
    }
  }
  return y as tf.Tensor4D;
}
