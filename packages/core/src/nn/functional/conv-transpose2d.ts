import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { toNCHW, toNHWC, withBatchDim } from './layout.js';
import { type IntOrPair, pair } from './ntuple.js';
import { ShapeError } from './shape-error.js';

export interface ConvTranspose2dOptions {
  stride?: IntOrPair;
  /** dilation·(kernel − 1) − padding zeros are conceptually added to both sides of the input */
  padding?: IntOrPair;
  /** extra rows/columns on one side of the output, to pick among the input sizes a strided conv maps alike */
  outputPadding?: IntOrPair;
  groups?: number;
  dilation?: IntOrPair;
}

/**
 * The transpose of conv2d (its gradient with respect to the input), as torch.nn.functional.conv_transpose2d:
 * input [N, in, H, W] or [in, H, W], weight [in, out, kH, kW], bias [out] → [N, out, H_out, W_out] with
 * H_out = (H − 1)·stride − 2·padding + kH + output_padding. groups and dilation other than 1 are not supported.
 */
export function convTranspose2d(
  input: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor | null,
  options: ConvTranspose2dOptions = {},
): tf.Tensor {
  const s = pair(options.stride ?? 1, 'conv_transpose2d stride');
  const p = pair(options.padding ?? 0, 'conv_transpose2d padding');
  const op = pair(options.outputPadding ?? 0, 'conv_transpose2d output_padding');
  const d = pair(options.dilation ?? 1, 'conv_transpose2d dilation');
  if ((options.groups ?? 1) !== 1 || d.some((v) => v !== 1)) {
    throw new ShapeError('conv_transpose2d', 'groups and dilation other than 1 are not supported');
  }
  if (weight.rank !== 4) {
    throw new ShapeError(
      'conv_transpose2d',
      `expected weight [in_channels, out_channels, kH, kW], got ${formatShape(weight.shape)}`,
    );
  }
  const [inC, outC, kh, kw] = weight.shape as [number, number, number, number];
  const batched = input.rank === 4;
  if ((!batched && input.rank !== 3) || input.shape[batched ? 1 : 0] !== inC) {
    throw new ShapeError(
      'conv_transpose2d',
      `expected input [N, ${inC}, H, W] or [${inC}, H, W], got ${formatShape(input.shape)}`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outC)) {
    throw new ShapeError('conv_transpose2d', `expected bias [${outC}], got ${formatShape(bias.shape)}`);
  }
  if (op.some((v, i) => v < 0 || v >= s[i]!)) {
    throw new ShapeError(
      'conv_transpose2d',
      `output_padding (${op.join(', ')}) must be smaller than stride (${s.join(', ')})`,
    );
  }
  const [h, w] = input.shape.slice(input.rank - 2) as [number, number];
  const full: [number, number] = [(h - 1) * s[0] + kh + op[0], (w - 1) * s[1] + kw + op[1]];
  const out: [number, number] = [full[0] - 2 * p[0], full[1] - 2 * p[1]];
  if (out.some((v) => v < 1)) {
    throw new ShapeError(
      'conv_transpose2d',
      `padding (${p.join(', ')}) leaves no output for input ${formatShape(input.shape)}`,
    );
  }
  return tf.tidy(() =>
    withBatchDim(input, 4, (x) => {
      const n = x.shape[0]!;
      // [in, out, kH, kW] is a forward conv's OIHW from `out` channels to `in`: HWIO [kH, kW, out, in] for tfjs
      const filter = tf.transpose(weight, [2, 3, 1, 0]) as tf.Tensor4D;
      const y = tf.conv2dTranspose(toNHWC(x), filter, [n, full[0], full[1], outC], s, 'valid');
      const cropped = tf.slice(y, [0, p[0], p[1], 0], [n, out[0], out[1], outC]);
      return toNCHW(bias ? tf.add(cropped, bias) : cropped);
    }),
  );
}
