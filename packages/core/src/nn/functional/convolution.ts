import { conv2dBias } from '../../kernels/conv2d-bias.js';
import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { toNCHW, toNHWC } from './layout.js';
import { fmt } from './padding.js';
import { ShapeError } from './shape-error.js';

/**
 * Checks a convolution's input [N, C, *spatial] (or unbatched [C, *spatial]), weight [out, C/groups, *kernel] and
 * bias [out] against each other, naming the op and the shapes in the error. `dims` names the spatial axes.
 */
export function checkConvArgs(
  op: string,
  input: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor | null | undefined,
  groups: number,
  dims: readonly string[],
): void {
  checkConvDtypes(op, input, weight, bias);
  const k = dims.map((d) => `k${d}`);
  if (weight.rank !== dims.length + 2) {
    throw new ShapeError(
      op,
      `expected weight [out_channels, in_channels/groups, ${k.join(', ')}], got ${formatShape(weight.shape)}`,
    );
  }
  if (!Number.isInteger(groups) || groups < 1)
    throw new ShapeError(op, `groups must be a positive integer, got ${groups}`);
  const out = weight.shape[0]!;
  if (out % groups !== 0) throw new ShapeError(op, `out_channels ${out} is not divisible by groups ${groups}`);
  const c = weight.shape[1]! * groups;
  const batched = input.rank === dims.length + 2;
  const channels = batched ? input.shape[1] : input.shape[0];
  if ((!batched && input.rank !== dims.length + 1) || channels !== c) {
    throw new ShapeError(
      op,
      `expected input [N, ${c}, ${dims.join(', ')}] or [${c}, ${dims.join(', ')}], got ${formatShape(input.shape)}`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== out)) {
    throw new ShapeError(op, `expected bias [${out}], got ${formatShape(bias.shape)}`);
  }
}

const TORCH_TYPE: Record<string, string> = { float32: 'Float', int32: 'Long', bool: 'Bool' };

/**
 * PyTorch convolves integer tensors (the tutorial's conv2d walkthrough runs on int64 input and kernel) but not mixed
 * ones: input, weight and bias must share a dtype, else PyTorch's own message, with the dtypes named.
 */
function checkConvDtypes(op: string, input: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null | undefined): void {
  const name = (t: tf.Tensor) => TORCH_TYPE[t.dtype] ?? t.dtype;
  if (input.dtype !== weight.dtype) {
    throw new ShapeError(
      op,
      `expected scalar type ${name(input)} but found ${name(weight)} (input ${input.dtype}, weight ${weight.dtype}; cast one with tf.cast)`,
    );
  }
  if (bias && bias.dtype !== input.dtype) {
    throw new ShapeError(op, `Input type (${input.dtype}) and bias type (${bias.dtype}) should be the same`);
  }
  if (input.dtype !== 'float32' && input.dtype !== 'int32') {
    throw new ShapeError(op, `expected a float32 or int32 input, got ${input.dtype}`);
  }
}

/**
 * Runs a convolution of int32 tensors as PyTorch does for integer dtypes, returning int32: computed in float32, exact
 * while every partial sum stays below 2²⁴ (pixel values times small kernels).
 */
export function integerConv(
  input: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor | null | undefined,
  conv: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null | undefined) => tf.Tensor,
): tf.Tensor {
  if (input.dtype !== 'int32') return conv(input, weight, bias);
  return tf.tidy(() => {
    const y = conv(tf.cast(input, 'float32'), tf.cast(weight, 'float32'), bias ? tf.cast(bias, 'float32') : bias);
    return tf.cast(tf.round(y), 'int32');
  });
}

/** Throws unless the (dilated) kernel fits in the padded input along every spatial dimension. */
export function checkKernelFits(
  op: string,
  input: tf.Tensor,
  kernel: readonly number[],
  dilation: readonly number[],
  pads: readonly (readonly [number, number])[],
): void {
  const spatial = input.shape.slice(input.rank - kernel.length);
  const padded = spatial.map((s, i) => s + pads[i]![0] + pads[i]![1]);
  const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  if (span.some((s, i) => s > padded[i]!)) {
    const dilated = dilation.some((d) => d !== 1) ? ` dilated to ${fmt(span)}` : '';
    const symmetric = pads.every(([b, a]) => b === a);
    const padding = symmetric ? fmt(pads.map(([b]) => b)) : `(${pads.map((p) => fmt(p)).join(', ')})`;
    throw new ShapeError(
      op,
      `kernel ${fmt(kernel)}${dilated} is larger than the padded input ${fmt(padded)} (input ${formatShape(input.shape)}, padding ${padding})`,
    );
  }
}

/**
 * Spreads a kernel's taps d apart along `axis` with zeros between, so that a dilated convolution runs as a plain one:
 * tfjs has no gradient for dilated conv2d, but has one for pad, reshape and slice.
 */
function dilateAxis(w: tf.Tensor, axis: number, d: number): tf.Tensor {
  if (d === 1) return w;
  const shape = w.shape;
  const k = shape[axis]!;
  const spread = tf.pad(tf.expandDims(w, axis + 1), [
    ...shape.slice(0, axis + 1).map(() => [0, 0]),
    [0, d - 1],
    ...shape.slice(axis + 1).map(() => [0, 0]),
  ] as [number, number][]);
  const merged = tf.reshape(
    spread,
    shape.map((s, i) => (i === axis ? k * d : s)),
  );
  return tf.slice(
    merged,
    shape.map(() => 0),
    shape.map((s, i) => (i === axis ? (k - 1) * d + 1 : s)),
  );
}

/**
 * The 2-d convolution behind conv1d and conv2d, on checked arguments: x [N, C, H, W], w [out, C/groups, kH, kW].
 * Runs NHWC with an HWIO filter as tfjs wants (convolveNHWC).
 */
export function convolve2d(
  x: tf.Tensor,
  w: tf.Tensor,
  bias: tf.Tensor | null | undefined,
  stride: [number, number],
  pads: readonly (readonly [number, number])[],
  dilation: readonly number[],
  groups: number,
): tf.Tensor4D {
  return toNCHW(convolveNHWC(toNHWC(x), w, bias, stride, pads, dilation, groups));
}

/**
 * The same convolution on xh [N, H, W, C], returning NHWC. groups = C runs depthwise
 * (out = C·multiplier, PyTorch's channel order is tfjs's), other groups run per group and concatenate. groups = 1
 * with a bias runs as one kernel, conv2dBias, and not as tfjs's fused conv2d: that one's gradient is a customGrad that
 * computes every input's gradient, including the first layer's input gradient that nothing needs (20 ms of the CIFAR
 * net's step on wasm); conv2dBias's gradient computes only the ones the tape asks for.
 */
function convolveNHWC(
  xh: tf.Tensor4D,
  w: tf.Tensor,
  bias: tf.Tensor | null | undefined,
  stride: [number, number],
  pads: readonly (readonly [number, number])[],
  dilation: readonly number[],
  groups: number,
): tf.Tensor4D {
  const c = xh.shape[3];
  const filter = dilateAxis(dilateAxis(tf.transpose(w, [2, 3, 1, 0]), 0, dilation[0]!), 1, dilation[1]!) as tf.Tensor4D;
  const [kh, kw, , out] = filter.shape;
  const pad = [[0, 0], [...pads[0]!], [...pads[1]!], [0, 0]] as [[0, 0], [number, number], [number, number], [0, 0]];
  let y: tf.Tensor4D;
  if (groups === 1) {
    if (bias) return conv2dBias(xh, filter, bias, stride, pad);
    y = tf.conv2d(xh, filter, stride, pad, 'NHWC');
  } else if (groups === c) {
    y = tf.depthwiseConv2d(xh, tf.reshape(filter, [kh, kw, c, out / c]) as tf.Tensor4D, stride, pad, 'NHWC');
  } else {
    const xs = tf.split(xh, groups, 3) as tf.Tensor4D[];
    const fs = tf.split(filter, groups, 3) as tf.Tensor4D[];
    y = tf.concat(
      xs.map((xi, i) => tf.conv2d(xi, fs[i]!, stride, pad, 'NHWC')),
      3,
    );
  }
  return bias ? tf.add(y, bias) : y;
}
