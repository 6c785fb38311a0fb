import { type Tensor, tf } from '@trainkit/core';

/** Rows of `data` ([N, D], a tensor or arrays of numbers) as one row-major float64 array; `op` names the caller in errors. */
export function toRows(
  op: string,
  data: Tensor | readonly (readonly number[])[],
): { X: Float64Array; N: number; D: number } {
  if (data instanceof tf.Tensor) {
    if (data.rank !== 2) throw new Error(`${op}: expected data of shape [N, D], got [${data.shape.join(', ')}]`);
    const [N, D] = data.shape as [number, number];
    return { X: Float64Array.from(data.dataSync() as Float32Array), N, D };
  }
  const N = data.length;
  const D = data[0]?.length ?? 0;
  const X = new Float64Array(N * D);
  data.forEach((row, i) => {
    if (row.length !== D) throw new Error(`${op}: row ${i} has ${row.length} values, expected ${D}`);
    X.set(row, i * D);
  });
  return { X, N, D };
}
