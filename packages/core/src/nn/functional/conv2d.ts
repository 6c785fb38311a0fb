import { tf } from '../../tf.js';
import { checkConvArgs, checkKernelFits, convolve2d, integerConv } from './convolution.js';
import { withBatchDim } from './layout.js';
import { type IntOrPair, pair } from './ntuple.js';
import { isOptions } from './options.js';
import { convPadding } from './padding.js';

export interface Conv2dOptions {
  stride?: IntOrPair;
  /** zeros on both sides of each dimension, or 'same' (stride 1 only) or 'valid' (none) */
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  groups?: number;
}

/**
 * 2-d cross-correlation over NCHW images, as torch.nn.functional.conv2d.
 * input [N, C, H, W] or [C, H, W], weight [out, C/groups, kH, kW], bias [out] → [N, out, H_out, W_out] with
 * H_out = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1. Options may be given positionally as in PyTorch
 * (stride, padding, dilation, groups) or as one object.
 */
export function conv2d(
  input: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor | null,
  stride: IntOrPair | Conv2dOptions = 1,
  padding: Conv2dOptions['padding'] = 0,
  dilation: IntOrPair = 1,
  groups = 1,
): tf.Tensor {
  const o: Conv2dOptions = isOptions<Conv2dOptions>(stride) ? stride : { stride, padding, dilation, groups };
  const a = conv2dArgs(input, weight, bias, o);
  return integerConv(input, weight, bias, (xi, w, b) =>
    tf.tidy(() => withBatchDim(xi, 4, (x) => convolve2d(x, w, b, a.stride, a.pads, a.dilation, a.groups))),
  );
}

function conv2dArgs(input: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null | undefined, o: Conv2dOptions) {
  const g = o.groups ?? 1;
  checkConvArgs('conv2d', input, weight, bias, g, ['H', 'W']);
  const kernel = weight.shape.slice(2);
  const s = pair(o.stride ?? 1, 'conv2d stride');
  const d = pair(o.dilation ?? 1, 'conv2d dilation');
  const pads = convPadding('conv2d', o.padding ?? 0, kernel, d, s);
  checkKernelFits('conv2d', input, kernel, d, pads);
  return { stride: s, pads, dilation: d, groups: g };
}
