import type { HistogramProtoObject } from '../proto.js';

/**
 * tensorboardX's / PyTorch's `default_bins` ("tensorflow" bins): edges ±1e-12·1.1^k up to 1e20 and 0, built by
 * repeated multiplication exactly as PyTorch does, so the edges are bit-identical.
 */
const POSITIVE_EDGES: Float64Array = (() => {
  const out: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) out.push(v);
  return Float64Array.from(out);
})();

export const DEFAULT_BINS: Float64Array = (() => {
  const k = POSITIVE_EDGES.length;
  const edges = new Float64Array(2 * k + 1);
  for (let i = 0; i < k; i++) {
    edges[i] = -POSITIVE_EDGES[k - 1 - i]!;
    edges[k + 1 + i] = POSITIVE_EDGES[i]!;
  }
  edges[k] = 0;
  return edges;
})();

export type HistogramBins = 'tensorflow' | number | ArrayLike<number>;

/** numpy's histogram counts per bin: bin i is [edges[i], edges[i+1]), the last bin also holds its right edge. */
function countDefaultBins(values: ArrayLike<number>, counts: Float64Array): void {
  const P = POSITIVE_EDGES;
  const K = P.length;
  const p0 = P[0]!;
  const pLast = P[K - 1]!;
  const invLog = 1 / Math.log(1.1);
  for (let n = 0; n < values.length; n++) {
    const v = values[n]!;
    if (v >= 0) {
      if (v < p0) {
        counts[K]!++;
        continue;
      }
      if (!(v <= pLast)) continue; // past the last edge, or NaN: outside every bin, as in numpy
      let j = Math.floor(Math.log(v / 1e-12) * invLog);
      if (j > K - 1) j = K - 1;
      if (j < 0) j = 0;
      while (j > 0 && v < P[j]!) j--;
      while (j < K - 1 && v >= P[j + 1]!) j++;
      counts[j === K - 1 ? 2 * K - 1 : K + 1 + j]!++;
    } else {
      const u = -v;
      if (!(u <= pLast)) continue;
      if (u <= p0) {
        counts[K - 1]!++;
        continue;
      }
      // v is in [-P[j], -P[j-1]) exactly when P[j-1] < u <= P[j]; that bin's index is K-1-j.
      let j = Math.ceil(Math.log(u / 1e-12) * invLog);
      if (j > K - 1) j = K - 1;
      if (j < 1) j = 1;
      while (j > 1 && u <= P[j - 1]!) j--;
      while (j < K - 1 && u > P[j]!) j++;
      counts[K - 1 - j]!++;
    }
  }
}

function countEdges(
  values: ArrayLike<number>,
  edges: ArrayLike<number>,
  counts: Float64Array,
  weights?: ArrayLike<number>,
): void {
  const last = edges.length - 1;
  const lo = edges[0]!;
  const hi = edges[last]!;
  for (let n = 0; n < values.length; n++) {
    const v = values[n]!;
    if (!(v >= lo && v <= hi)) continue;
    let a = 0;
    let b = last;
    // Largest i with edges[i] <= v, capped at the last bin so the right edge counts in it.
    while (b - a > 1) {
      const m = (a + b) >>> 1;
      if (edges[m]! <= v) a = m;
      else b = m;
    }
    counts[a]! += weights ? weights[n]! : 1;
  }
}

/** numpy.histogram(values, bins=n, range=(lo, hi)) counts, with numpy's edge corrections. */
export function equalWidthHistogram(
  values: ArrayLike<number>,
  n: number,
  lo: number,
  hi: number,
  weights?: ArrayLike<number>,
): { counts: Float64Array; edges: Float64Array } {
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(n + 1);
  const step = (hi - lo) / n;
  for (let i = 0; i <= n; i++) edges[i] = lo + i * step;
  edges[n] = hi;
  const counts = new Float64Array(n);
  const norm = n / (hi - lo);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!(v >= lo && v <= hi)) continue;
    let i = Math.floor((v - lo) * norm);
    if (i >= n) i = n - 1;
    if (v < edges[i]!) i--;
    else if (i < n - 1 && v >= edges[i + 1]!) i++;
    counts[i]! += weights ? weights[k]! : 1;
  }
  return { counts, edges };
}

/**
 * A HistogramProto the way PyTorch's `make_histogram` builds one: numpy-style counts over `bins`, optional
 * down-sampling to maxBins, then only the bins from the first to the last non-empty one, preceded by one empty
 * bin so TensorBoard (which stores right edges only) knows where the first bin starts.
 */
export function makeHistogram(
  values: ArrayLike<number>,
  bins: HistogramBins,
  maxBins?: number,
  what = 'histogram',
): HistogramProtoObject {
  if (values.length === 0) throw new RangeError(`${what}: the input has no element`);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSquares = 0;
  let nan = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Number.isNaN(v)) nan = true;
    sum += v;
    sumSquares += v * v;
  }
  if (nan) {
    min = Number.NaN;
    max = Number.NaN;
  }
  let counts: Float64Array;
  let edges: ArrayLike<number>;
  if (bins === 'tensorflow') {
    edges = DEFAULT_BINS;
    counts = new Float64Array(DEFAULT_BINS.length - 1);
    countDefaultBins(values, counts);
  } else if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1)
      throw new RangeError(`${what}: bins must be a positive integer, got ${bins}`);
    if (!Number.isFinite(min) || !Number.isFinite(max)) {
      throw new RangeError(`${what}: autodetected range of [${min}, ${max}] is not finite`);
    }
    ({ counts, edges } = equalWidthHistogram(values, bins, min, max));
  } else {
    if (bins.length < 2) throw new RangeError(`${what}: bin edges need at least 2 values, got ${bins.length}`);
    for (let i = 1; i < bins.length; i++) {
      if (!(bins[i]! >= bins[i - 1]!))
        throw new RangeError(`${what}: bin edges must increase monotonically (index ${i})`);
    }
    edges = bins;
    counts = new Float64Array(bins.length - 1);
    countEdges(values, bins, counts);
  }
  if (maxBins !== undefined && counts.length > maxBins) ({ counts, edges } = subsample(counts, edges, maxBins));

  let first = -1;
  let last = -1;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) throw new RangeError(`${what}: every value lies outside the bins, the histogram is empty`);
  const bucket: number[] = first > 0 ? [] : [0];
  for (let i = first > 0 ? first - 1 : 0; i <= last; i++) bucket.push(counts[i]!);
  const bucketLimit: number[] = [];
  for (let i = first; i <= last + 1; i++) bucketLimit.push(edges[i]!);
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}

function subsample(
  counts: Float64Array,
  edges: ArrayLike<number>,
  maxBins: number,
): { counts: Float64Array; edges: Float64Array } {
  const step = Math.floor(counts.length / maxBins);
  const padded = Math.ceil(counts.length / step) * step;
  const out = new Float64Array(padded / step);
  for (let i = 0; i < counts.length; i++) out[Math.floor(i / step)]! += counts[i]!;
  const newEdges = new Float64Array(out.length + 1);
  for (let i = 0; i < out.length; i++) newEdges[i] = edges[i * step]!;
  newEdges[out.length] = edges[edges.length - 1]!;
  return { counts: out, edges: newEdges };
}
