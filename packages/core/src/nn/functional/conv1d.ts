import { tf } from '../../tf.js';
import { checkConvArgs, checkKernelFits, convolve2d, integerConv } from './convolution.js';
import { withBatchDim } from './layout.js';
import { type IntOrSingle, ntuple } from './ntuple.js';
import { isOptions } from './options.js';
import { convPadding } from './padding.js';

export interface Conv1dOptions {
  stride?: IntOrSingle;
  /** zeros on both sides, or 'same' (stride 1 only) or 'valid' (none) */
  padding?: IntOrSingle | 'same' | 'valid';
  dilation?: IntOrSingle;
  groups?: number;
}

/**
 * 1-d cross-correlation over [N, C, L] sequences, as torch.nn.functional.conv1d; runs as a 2-d convolution of
 * height 1. input [N, C, L] or [C, L], weight [out, C/groups, k], bias [out] → [N, out, L_out] with
 * L_out = ⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1.
 */
export function conv1d(
  input: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor | null,
  stride: IntOrSingle | Conv1dOptions = 1,
  padding: Conv1dOptions['padding'] = 0,
  dilation: IntOrSingle = 1,
  groups = 1,
): tf.Tensor {
  const o: Conv1dOptions = isOptions<Conv1dOptions>(stride) ? stride : { stride, padding, dilation, groups };
  const g = o.groups ?? 1;
  checkConvArgs('conv1d', input, weight, bias, g, ['L']);
  const kernel = weight.shape.slice(2);
  const [s] = ntuple(o.stride ?? 1, 1, 'conv1d stride') as [number];
  const [d] = ntuple(o.dilation ?? 1, 1, 'conv1d dilation') as [number];
  const pads = convPadding('conv1d', o.padding ?? 0, kernel, [d], [s]);
  checkKernelFits('conv1d', input, kernel, [d], pads);
  return integerConv(input, weight, bias, (xi, w, b) =>
    tf.tidy(() =>
      withBatchDim(xi, 3, (x) => {
        const y = convolve2d(tf.expandDims(x, 2), tf.expandDims(w, 2), b, [1, s], [[0, 0], pads[0]!], [1, d], g);
        return tf.squeeze(y, [2]);
      }),
    ),
  );
}
