import type { tf } from '@trainkit/core';

/** A batch's (X, y), or an error naming the caller when the loader yields something else. */
export function batchPair(batch: readonly tf.Tensor[], where: string): [tf.Tensor, tf.Tensor] {
  const [x, y] = batch;
  if (!x || !y) throw new Error(`${where}: expected batches of (X, y), got ${batch.length} tensor(s)`);
  return [x, y];
}
