import { nn, tf } from '@trainkit/core';

/** A plain number or a one-element tensor (a loss, a correct count) read back from the backend. */
export type ScalarLike = number | tf.Tensor;

/**
 * Reads numbers and one-element tensors as numbers. All the tensors come back in one download (they are concatenated
 * on the backend first), because every download is a sync point that stalls an accelerator. The tensors are read,
 * never disposed: they stay the caller's.
 */
export function readScalars(values: readonly ScalarLike[], where: string): number[] {
  const tensors: tf.Tensor[] = [];
  for (const [i, v] of values.entries()) {
    if (typeof v === 'number') continue;
    if (!(v instanceof tf.Tensor)) {
      throw new TypeError(`${where}: value ${i} is ${describeValue(v)}, expected a number or a one-element tensor`);
    }
    if (v.isDisposed) throw new Error(`${where}: value ${i} is a disposed tensor`);
    if (v.size !== 1) {
      throw new Error(
        `${where}: value ${i} is a tensor of shape ${nn.formatShape(v.shape)}, expected a number or a one-element tensor`,
      );
    }
    if (v.dtype === 'string' || v.dtype === 'complex64') throw new Error(`${where}: value ${i} is a ${v.dtype} tensor`);
    tensors.push(v);
  }
  let downloaded: ArrayLike<number> = [];
  if (tensors.length === 1) downloaded = tensors[0]!.dataSync() as ArrayLike<number>;
  else if (tensors.length > 1) {
    // concat needs one dtype: int32 when all are (exact), else float32 (exact for integers below 2^24).
    const dtype = tensors.every((t) => t.dtype === 'int32') ? 'int32' : 'float32';
    const joined = tf.tidy(() => tf.concat(tensors.map((t) => tf.cast(tf.reshape(t, [1]), dtype))));
    downloaded = joined.dataSync() as ArrayLike<number>;
    joined.dispose();
  }
  let k = 0;
  return values.map((v) => (typeof v === 'number' ? v : downloaded[k++]!));
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v instanceof tf.Tensor) return `a tensor of shape ${nn.formatShape(v.shape)}`;
  return typeof v === 'object'
    ? `an object (${(v as object).constructor?.name ?? 'Object'})`
    : `${typeof v} ${String(v)}`;
}
