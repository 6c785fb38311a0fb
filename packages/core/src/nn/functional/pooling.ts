import type { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { fmt, poolOutputSize } from './padding.js';
import { ShapeError } from './shape-error.js';

/** Throws unless `input` is [N, C, H, W] or an unbatched [C, H, W]. */
export function checkImageInput(op: string, input: tf.Tensor): void {
  if (input.rank !== 4 && input.rank !== 3) {
    throw new ShapeError(op, `expected input [N, C, H, W] or [C, H, W], got ${formatShape(input.shape)}`);
  }
}

/**
 * The output size (H_out, W_out) of a pooling window over `input`, and the padding [before, after] per dimension
 * that makes a 'valid' pool produce exactly it: `after` is negative where floor mode drops trailing rows, and
 * larger than `padding` where ceil mode keeps a partial window.
 */
export function poolGeometry(
  op: string,
  input: tf.Tensor,
  kernel: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  dilation: readonly number[],
  ceilMode: boolean,
): { out: [number, number]; pads: [number, number][] } {
  const size = input.shape.slice(input.rank - 2) as [number, number];
  const out = size.map((n, i) => poolOutputSize(n, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceilMode)) as [
    number,
    number,
  ];
  if (out.some((o) => o < 1)) {
    throw new ShapeError(
      op,
      `input ${formatShape(input.shape)} is too small for kernel ${fmt(kernel)} with padding ${fmt(padding)}: output would be ${fmt(out)}`,
    );
  }
  const pads = size.map((n, i) => {
    const span = (out[i]! - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1;
    return [padding[i]!, span - n - padding[i]!] as [number, number];
  });
  return { out, pads };
}
