import { tf } from '../../tf.js';

/**
 * Pads (positive amounts) or crops (negative amounts) the H and W axes of an NHWC tensor, filling with `value`.
 * Pooling pads explicitly so that windows match PyTorch's (−∞ for max, 0 for average) and crops what floor mode drops.
 */
export function padOrCrop(x: tf.Tensor4D, pads: readonly (readonly [number, number])[], value = 0): tf.Tensor4D {
  const [ph, pw] = pads as [readonly [number, number], readonly [number, number]];
  const grow = (p: number) => Math.max(0, p);
  let out = x;
  if ([...ph, ...pw].some((p) => p > 0)) {
    out = tf.pad(
      out,
      [
        [0, 0],
        [grow(ph[0]), grow(ph[1])],
        [grow(pw[0]), grow(pw[1])],
        [0, 0],
      ],
      value,
    );
  }
  if ([...ph, ...pw].some((p) => p < 0)) {
    const [n, h, w, c] = out.shape;
    const cut = (p: number) => Math.max(0, -p);
    out = tf.slice(
      out,
      [0, cut(ph[0]), cut(pw[0]), 0],
      [n, h - cut(ph[0]) - cut(ph[1]), w - cut(pw[0]) - cut(pw[1]), c],
    );
  }
  return out;
}

/**
 * Elements start, start + step, …, start + (count − 1)·step along `axis`. tfjs's stridedSlice has no gradient, so
 * this slices a contiguous run, splits the axis into [count, step] and keeps the first of each step: slice, pad and
 * reshape all have gradients on every backend.
 */
export function takeEvery(x: tf.Tensor, axis: number, start: number, step: number, count: number): tf.Tensor {
  const shape = x.shape;
  const begin = shape.map((_, i) => (i === axis ? start : 0));
  if (step === 1)
    return tf.slice(
      x,
      begin,
      shape.map((d, i) => (i === axis ? count : d)),
    );
  const avail = Math.min(shape[axis]! - start, count * step);
  let run = tf.slice(
    x,
    begin,
    shape.map((d, i) => (i === axis ? avail : d)),
  );
  if (avail < count * step)
    run = tf.pad(run, shape.map((_, i) => (i === axis ? [0, count * step - avail] : [0, 0])) as [number, number][]);
  const split = [...shape.slice(0, axis), count, step, ...shape.slice(axis + 1)];
  const first = tf.slice(
    tf.reshape(run, split),
    split.map(() => 0),
    split.map((d, i) => (i === axis + 1 ? 1 : d)),
  );
  return tf.reshape(
    first,
    shape.map((d, i) => (i === axis ? count : d)),
  );
}
