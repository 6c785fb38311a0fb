import { tf } from '../../tf.js';
import { toNCHW, toNHWC, withBatchDim } from './layout.js';
import { type IntOrPair, pair } from './ntuple.js';
import { isOptions } from './options.js';
import { checkPoolPadding } from './padding.js';
import { checkImageInput, poolGeometry } from './pooling.js';
import { padOrCrop } from './strided-window.js';

export interface AvgPool2dOptions {
  /** defaults to kernelSize */
  stride?: IntOrPair | null;
  /** implicit zeros on both sides, at most half the kernel */
  padding?: IntOrPair;
  ceilMode?: boolean;
  /** divide by the window including its padding zeros (true) or by the input elements only */
  countIncludePad?: boolean;
  /** divide every window by this instead */
  divisorOverride?: number | null;
}

/** Each window's divisor along one dimension, PyTorch's rule: padding counts, the ceil-mode overhang does not. */
function divisors(size: number, out: number, k: number, s: number, p: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, i) => {
    const start = i * s - p;
    const end = Math.min(start + k, size + p);
    return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  });
}

/**
 * 2-d average pooling over NCHW images, as torch.nn.functional.avg_pool2d.
 * input [N, C, H, W] or [C, H, W] → [N, C, H_out, W_out] with H_out = ⌊(H + 2·padding − kH) / stride⌋ + 1 (⌈⌉ with
 * ceilMode). Runs a 'valid' pool on explicitly zero-padded input, then rescales the windows whose divisor is not kH·kW.
 */
export function avgPool2d(
  input: tf.Tensor,
  kernelSize: IntOrPair,
  stride: IntOrPair | null | AvgPool2dOptions = null,
  padding: IntOrPair = 0,
  ceilMode = false,
  countIncludePad = true,
  divisorOverride: number | null = null,
): tf.Tensor {
  const o: AvgPool2dOptions = isOptions<AvgPool2dOptions>(stride)
    ? stride
    : { stride, padding, ceilMode, countIncludePad, divisorOverride };
  const g = avgPoolArgs(input, kernelSize, o);
  return tf.tidy(() => withBatchDim(input, 4, (x) => toNCHW(avgPoolNHWC(toNHWC(x), g))));
}

interface AvgPoolGeometry {
  k: [number, number];
  s: [number, number];
  out: [number, number];
  pads: [number, number][];
  /** per output position, kH·kW over that window's divisor */
  scale: Float32Array;
}

function avgPoolArgs(input: tf.Tensor, kernelSize: IntOrPair, o: AvgPool2dOptions): AvgPoolGeometry {
  checkImageInput('avg_pool2d', input);
  const k = pair(kernelSize, 'avg_pool2d kernel_size');
  const s = o.stride == null ? k : pair(o.stride, 'avg_pool2d stride');
  const p = pair(o.padding ?? 0, 'avg_pool2d padding');
  if (o.divisorOverride === 0) throw new Error('avg_pool2d: divisor must not be zero');
  checkPoolPadding('avg_pool2d', k, p);
  const { out, pads } = poolGeometry('avg_pool2d', input, k, s, p, [1, 1], o.ceilMode ?? false);
  const includePad = o.countIncludePad ?? true;
  const dh = divisors(input.shape[input.rank - 2]!, out[0], k[0], s[0], p[0], includePad);
  const dw = divisors(input.shape[input.rank - 1]!, out[1], k[1], s[1], p[1], includePad);
  const scale = new Float32Array(out[0] * out[1]);
  for (let i = 0; i < out[0]; i++) {
    for (let j = 0; j < out[1]; j++) scale[i * out[1] + j] = (k[0] * k[1]) / (o.divisorOverride ?? dh[i]! * dw[j]!);
  }
  return { k, s, out, pads, scale };
}

function avgPoolNHWC(xh: tf.Tensor4D, { k, s, out, pads, scale }: AvgPoolGeometry): tf.Tensor4D {
  const y = tf.avgPool(padOrCrop(xh, pads, 0), k, s, 'valid');
  return scale.every((v) => v === 1) ? y : tf.mul(y, tf.tensor4d(scale, [1, out[0], out[1], 1]));
}
