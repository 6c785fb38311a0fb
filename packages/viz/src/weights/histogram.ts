import { nn, type Tensor, tf } from '@trainkit/core';

/** A tensor, a parameter (its current value) or plain numbers. */
export type ValuesLike = Tensor | nn.Parameter | ArrayLike<number>;

/** The values as a flat Float64Array (reads tensors from the backend synchronously). */
export function readValues(x: ValuesLike): Float64Array {
  if (x instanceof nn.Parameter) return Float64Array.from(x.data.dataSync() as ArrayLike<number>);
  if (x instanceof tf.Tensor) return Float64Array.from(x.dataSync() as ArrayLike<number>);
  return Float64Array.from(x);
}

export interface Histogram {
  /** bins + 1 edges, increasing. */
  edges: number[];
  counts: number[];
}

/**
 * Counts of values in `bins` equal-width bins over `range` (default min..max), as numpy.histogram: bins are
 * half-open [a, b) except the last, which includes its right edge; values outside the range and NaNs are ignored.
 */
export function histogram(values: ArrayLike<number>, bins = 10, range?: [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: bins must be a positive integer, got ${bins}`);
  let lo = range?.[0] ?? Number.POSITIVE_INFINITY;
  let hi = range?.[1] ?? Number.NEGATIVE_INFINITY;
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) [lo, hi] = [0, 1];
  }
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.floor((v - lo) / width);
    if (b >= bins) b = bins - 1;
    // float error near an edge: trust the edges themselves
    if (b > 0 && v < (edges[b] as number)) b--;
    else if (b < bins - 1 && v >= (edges[b + 1] as number)) b++;
    counts[b] = (counts[b] as number) + 1;
  }
  return { edges, counts };
}

export interface Moments {
  count: number;
  mean: number;
  /** Sample standard deviation (N − 1), as torch.std; NaN for one value. */
  std: number;
  min: number;
  max: number;
  zeros: number;
}

export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const mean = n ? sum / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN,
    min: n ? min : Number.NaN,
    max: n ? max : Number.NaN,
    zeros,
  };
}
