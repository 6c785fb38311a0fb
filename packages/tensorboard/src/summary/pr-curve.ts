import { DataType, encodeMessage, pb, type SummaryValueProto } from '../proto.js';
import { equalWidthHistogram } from './histogram.js';

/** PyTorch caps thresholds at 127 ("value > 127 breaks protobuf"); we keep its cap so curves compare. */
export const MAX_PR_THRESHOLDS = 127;
const MINIMUM_COUNT = 1e-7;

/**
 * PyTorch's / TensorBoard's `compute_curve`: predictions are bucketed into numThresholds buckets, true and false
 * positives counted (weighted) per bucket and accumulated from the top; rows are TP, FP, TN, FN, precision, recall.
 */
export function computeCurve(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numThresholds: number,
  weights?: ArrayLike<number> | number,
  float32 = predictions instanceof Float32Array,
): Float64Array[] {
  if (labels.length !== predictions.length) {
    throw new RangeError(`pr curve: ${labels.length} labels but ${predictions.length} predictions`);
  }
  const n = numThresholds;
  const buckets = new Float64Array(predictions.length);
  for (let i = 0; i < predictions.length; i++) {
    const scaled = predictions[i]! * (n - 1);
    buckets[i] = Math.floor(float32 ? Math.fround(scaled) : scaled);
  }
  const w = (i: number): number =>
    weights === undefined ? 1 : typeof weights === 'number' ? weights : (weights[i] ?? Number.NaN);
  const tpWeights = new Float64Array(labels.length);
  const fpWeights = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    tpWeights[i] = labels[i]! * w(i);
    fpWeights[i] = (1 - labels[i]!) * w(i);
  }
  const tpBuckets = equalWidthHistogram(buckets, n, 0, n - 1, tpWeights).counts;
  const fpBuckets = equalWidthHistogram(buckets, n, 0, n - 1, fpWeights).counts;
  const tp = new Float64Array(n);
  const fp = new Float64Array(n);
  let accTp = 0;
  let accFp = 0;
  for (let i = n - 1; i >= 0; i--) {
    accTp += tpBuckets[i]!;
    accFp += fpBuckets[i]!;
    tp[i] = accTp;
    fp[i] = accFp;
  }
  const tn = fp.map((v) => fp[0]! - v);
  const fn = tp.map((v) => tp[0]! - v);
  const precision = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fp[i]!));
  const recall = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fn[i]!));
  return [tp, fp, tn, fn, precision, recall];
}

/** The pr_curves summary: a float tensor of shape [6, numThresholds], PrCurvePluginData in the metadata. */
export function prCurveValue(tag: string, rows: ArrayLike<number>[], numThresholds: number): SummaryValueProto {
  if (rows.length !== 6 || rows.some((r) => r.length !== numThresholds)) {
    throw new RangeError(`pr curve '${tag}': expected 6 rows of ${numThresholds} values`);
  }
  const floatVal: number[] = [];
  for (const r of rows) for (let i = 0; i < r.length; i++) floatVal.push(r[i]!);
  return {
    tag,
    tensor: {
      dtype: DataType.DT_FLOAT,
      tensorShape: { dim: [{ size: 6 }, { size: numThresholds }] },
      floatVal,
    },
    metadata: {
      pluginData: { pluginName: 'pr_curves', content: encodeMessage(pb.PrCurvePluginData, { numThresholds }) },
    },
  };
}
