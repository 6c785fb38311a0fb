import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { withBatchDim } from './layout.js';
import { ShapeError } from './shape-error.js';

export type InterpolateMode = 'nearest' | 'bilinear';

export interface InterpolateOptions {
  /** the output [H, W] (or one size for both); give this or scaleFactor */
  size?: number | readonly [number, number] | null;
  /** the output is ⌊H·s⌋ × ⌊W·s⌋; give this or size */
  scaleFactor?: number | readonly [number, number] | null;
  /** 'nearest' (default) or 'bilinear' */
  mode?: InterpolateMode;
  /** bilinear only: corner pixels' centres align (default false: half-pixel centres, as PyTorch) */
  alignCorners?: boolean | null;
}

const pairOf = (v: number | readonly [number, number]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0], v[1]];

const f32 = Math.fround;

/**
 * PyTorch's source-index scale along one axis, in float as its CPU kernels compute it: 1/scaleFactor when a scale
 * factor was given, else in/out; (in − 1)/(out − 1) with align_corners.
 */
function axisScale(inSize: number, outSize: number, scaleFactor: number | undefined, alignCorners: boolean): number {
  if (alignCorners) return outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : 0;
  return scaleFactor !== undefined && scaleFactor > 0 ? f32(1 / scaleFactor) : f32(inSize / outSize);
}

/** Legacy 'nearest': source ⌊dst · scale⌋ in float, clamped. */
function nearestIndices(inSize: number, outSize: number, scale: number): Int32Array {
  return Int32Array.from({ length: outSize }, (_, o) => Math.min(Math.floor(f32(o * scale)), inSize - 1));
}

/** Bilinear taps: the two source indices and the weight of the second, as PyTorch's compute_indices_weights_linear. */
function linearTaps(inSize: number, outSize: number, scale: number, alignCorners: boolean) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let src = alignCorners ? f32(scale * o) : f32(f32(scale * f32(o + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const a = Math.min(Math.trunc(src), inSize - 1);
    i0[o] = a;
    i1[o] = a < inSize - 1 ? a + 1 : a;
    w1[o] = Math.min(Math.max(f32(src - a), 0), 1);
  }
  return { i0, i1, w1 };
}

/**
 * Resizes NCHW images ([N, C, H, W] or [C, H, W]), as torch.nn.functional.interpolate for the 2-d modes 'nearest'
 * (PyTorch's legacy nearest: source ⌊dst·scale⌋) and 'bilinear' (half-pixel centres unless alignCorners), with
 * PyTorch's scales (1/scaleFactor when a factor is given, so a non-integer factor samples as PyTorch does). Runs as
 * gathers along H and W, so it stays NCHW and differentiates through tfjs's gather gradient.
 */
export function interpolate(input: tf.Tensor, options: InterpolateOptions): tf.Tensor {
  const mode = options.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') {
    throw new ShapeError('interpolate', `mode must be 'nearest' or 'bilinear', got '${mode}'`);
  }
  if (input.rank !== 4 && input.rank !== 3) {
    throw new ShapeError('interpolate', `expected input [N, C, H, W] or [C, H, W], got ${formatShape(input.shape)}`);
  }
  const hasSize = options.size !== undefined && options.size !== null;
  const hasScale = options.scaleFactor !== undefined && options.scaleFactor !== null;
  if (hasSize === hasScale) throw new ShapeError('interpolate', 'give exactly one of size and scaleFactor');
  if (mode === 'nearest' && options.alignCorners) {
    throw new ShapeError('interpolate', "align_corners only applies to 'bilinear' (as in PyTorch)");
  }
  const [h, w] = input.shape.slice(input.rank - 2) as [number, number];
  const factors = hasScale ? pairOf(options.scaleFactor as number | [number, number]) : undefined;
  const [oh, ow] = factors
    ? ([Math.floor(h * factors[0]), Math.floor(w * factors[1])] as [number, number])
    : pairOf(options.size as number | [number, number]);
  if (![oh, ow].every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError('interpolate', `output size must be positive integers, got (${oh}, ${ow})`);
  }
  const alignCorners = options.alignCorners ?? false;
  const axis = (x: tf.Tensor, dim: number, inSize: number, outSize: number, factor: number | undefined) => {
    const scale = axisScale(inSize, outSize, factor, mode === 'bilinear' && alignCorners);
    if (mode === 'nearest') return tf.gather(x, nearestIndices(inSize, outSize, scale), dim);
    const { i0, i1, w1 } = linearTaps(inSize, outSize, scale, alignCorners);
    const shape = x.shape.map((_, i) => (i === dim ? outSize : 1));
    const b = tf.reshape(tf.tensor1d(w1), shape);
    return tf.add(tf.mul(tf.gather(x, i0, dim), tf.sub(1, b)), tf.mul(tf.gather(x, i1, dim), b));
  };
  return tf.tidy(() => withBatchDim(input, 4, (x) => axis(axis(x, 2, h, oh, factors?.[0]), 3, w, ow, factors?.[1])));
}
