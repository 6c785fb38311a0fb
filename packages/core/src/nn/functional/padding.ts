import { ShapeError } from './shape-error.js';

export type ConvPadding = number | readonly number[] | 'same' | 'valid';

/**
 * The zeros added before and after each spatial dimension of a convolution. 'valid' is none; 'same' keeps the size
 * at stride 1 with d·(k-1) zeros per dimension, the odd one after (PyTorch pads the extra zero on the right).
 */
export function convPadding(
  op: string,
  padding: ConvPadding,
  kernel: readonly number[],
  dilation: readonly number[],
  stride: readonly number[],
): [number, number][] {
  if (padding === 'valid') return kernel.map(() => [0, 0]);
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) {
      throw new ShapeError(op, `padding='same' is not supported for strided convolutions (stride ${fmt(stride)})`);
    }
    return kernel.map((k, i) => {
      const total = dilation[i]! * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  const p = typeof padding === 'number' ? kernel.map(() => padding) : [...padding];
  if (p.length !== kernel.length || !p.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(
      `${op}: padding must be 'same', 'valid' or ${kernel.length} non-negative integers, got ${JSON.stringify(padding)}`,
    );
  }
  return p.map((v) => [v, v]);
}

/** Output length of a convolution along one dimension: ⌊(in + before + after − d·(k−1) − 1) / s⌋ + 1. */
export function convOutputSize(
  inSize: number,
  k: number,
  s: number,
  pad: readonly [number, number],
  d: number,
): number {
  return Math.floor((inSize + pad[0] + pad[1] - d * (k - 1) - 1) / s) + 1;
}

/**
 * Output length of a pooling window along one dimension (PyTorch's pooling_output_shape). With ceil_mode the last
 * partial window counts, unless it would start in the right padding: every window starts inside the input or the
 * left padding.
 */
export function poolOutputSize(inSize: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  let out = Math.floor((inSize + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (out - 1) * s >= inSize + p) out--;
  return out;
}

/** Checks pooling padding against PyTorch's limit: at most half the kernel, so no window lies wholly in padding. */
export function checkPoolPadding(op: string, kernel: readonly number[], padding: readonly number[]): void {
  if (padding.some((p, i) => p < 0 || p > Math.floor(kernel[i]! / 2))) {
    throw new ShapeError(
      op,
      `padding should be at most half of kernel size, got padding ${fmt(padding)} for kernel ${fmt(kernel)}`,
    );
  }
}

/** A tuple as Python prints it: (3, 3). */
export function fmt(values: readonly number[]): string {
  return `(${values.join(', ')})`;
}
