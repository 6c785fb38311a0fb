import { nn, tf } from '@trainkit/core';

const fmt = nn.formatShape;

/**
 * What the backend computes for one batch, as one small vector so one download brings it all back:
 * [correct, minLabel, maxLabel, nonIntegerLabels]. The label statistics are only meaningful when `numClasses`
 * is set (class-index labels against logits); they let the host reject bad labels without reading y itself.
 */
export interface CorrectStats {
  stats: tf.Tensor1D;
  numClasses: number | null;
  count: number;
}

function checkLabelDtype(where: string, y: tf.Tensor): void {
  if (y.dtype === 'string' || y.dtype === 'complex64') {
    throw new TypeError(`${where}: y must hold numbers (int32, float32 or bool), got dtype ${y.dtype}`);
  }
}

/** Number of samples in a batch of labels: y [N] or [N, 1]. */
function labelCount(where: string, yHat: tf.Tensor, y: tf.Tensor, n: number): void {
  const ok = (y.rank === 1 && y.shape[0] === n) || (y.rank === 2 && y.shape[0] === n && y.shape[1] === 1);
  if (!ok) throw new Error(`${where}: yHat has shape ${fmt(yHat.shape)} but y has shape ${fmt(y.shape)}`);
}

/** Label statistics [min, max, nonIntegers] of class-index labels, computed on the backend. */
function labelStats(labels: tf.Tensor): tf.Tensor[] {
  const f = tf.cast(labels, 'float32');
  return [tf.min(f), tf.max(f), tf.sum(tf.cast(tf.notEqual(f, tf.floor(f)), 'float32'))];
}

/**
 * d2l's accuracy on the backend: argmax over the classes when yHat is [N, C] with C > 1, else yHat compared with y
 * directly after casting it to y's dtype. Must run inside tf.tidy (or noGrad); the caller reads `stats` once.
 */
export function correctStats(yHat: tf.Tensor, y: tf.Tensor, where = 'accuracy'): CorrectStats {
  checkLabelDtype(where, y);
  if (yHat.rank === 2 && yHat.shape[1]! > 1) {
    const [n, c] = yHat.shape as [number, number];
    labelCount(where, yHat, y, n);
    // argMax and min of an empty tensor are not defined on every backend; nothing to count anyway.
    if (n === 0) return { stats: tf.zeros([4]), numClasses: c, count: 0 };
    const labels = tf.reshape(y, [n]);
    const pred = tf.cast(tf.argMax(yHat, 1), y.dtype);
    const correct = tf.sum(tf.cast(tf.equal(pred, labels), 'float32'));
    return { stats: tf.stack([correct, ...labelStats(labels)]) as tf.Tensor1D, numClasses: c, count: n };
  }
  if (yHat.rank > 2) {
    throw new Error(
      `${where}: yHat must be predictions [N] or logits [N, C], but yHat has shape ${fmt(yHat.shape)} and y has shape ${fmt(y.shape)}`,
    );
  }
  // Direct comparison: yHat holds predicted labels (or [N, 1] scores already thresholded), one per element of y.
  const sameBatch = yHat.rank === 0 ? y.rank === 0 : y.rank > 0 && y.shape[0] === yHat.shape[0];
  if (!sameBatch || yHat.size !== y.size) {
    throw new Error(`${where}: yHat has shape ${fmt(yHat.shape)} but y has shape ${fmt(y.shape)}`);
  }
  const n = y.size;
  if (n === 0) return { stats: tf.zeros([4]), numClasses: null, count: 0 };
  const correct = tf.sum(tf.cast(tf.equal(tf.cast(tf.reshape(yHat, [n]), y.dtype), tf.reshape(y, [n])), 'float32'));
  return { stats: tf.concat([tf.reshape(correct, [1]), tf.zeros([3])]) as tf.Tensor1D, numClasses: null, count: n };
}

/**
 * Throws unless every class-index label lies in [0, numClasses) and is whole, from the statistics `correctStats`
 * computed. `stats` is the downloaded [correct, min, max, nonIntegers] of `count` samples.
 */
export function checkLabelStats(
  where: string,
  stats: ArrayLike<number>,
  numClasses: number | null,
  count: number,
  yHatShape: readonly number[],
  yShape: readonly number[],
): void {
  if (numClasses === null || count === 0) return;
  const [min, max, nonIntegers] = [stats[1]!, stats[2]!, stats[3]!];
  const shapes = `yHat has shape ${fmt(yHatShape)} and y has shape ${fmt(yShape)}`;
  if (Number.isNaN(min) || Number.isNaN(max)) throw new RangeError(`${where}: y has NaN labels (${shapes})`);
  if (min < 0 || max >= numClasses) {
    throw new RangeError(`${where}: y has label ${min < 0 ? min : max} outside [0, ${numClasses}) (${shapes})`);
  }
  if (nonIntegers > 0)
    throw new RangeError(`${where}: y has ${nonIntegers} labels that are not whole numbers (${shapes})`);
}

function countCorrect(yHat: tf.Tensor, y: tf.Tensor, where: string): { correct: number; count: number } {
  let numClasses: number | null = null;
  let count = 0;
  const stats = tf.tidy(() => {
    const s = correctStats(yHat, y, where);
    numClasses = s.numClasses;
    count = s.count;
    return s.stats;
  });
  const values = stats.dataSync();
  stats.dispose();
  checkLabelStats(where, values, numClasses, count, yHat.shape, y.shape);
  return { correct: values[0]!, count };
}

/**
 * The number of correct predictions in a batch, d2l's `accuracy(y_hat, y)`: yHat [N, C] logits (argmax over the
 * classes) or [N] predicted labels; y [N] class indices. Computed on the backend; one small vector comes back.
 * Divide by the batch size for a rate, or use accuracyRate.
 */
export function accuracy(yHat: tf.Tensor, y: tf.Tensor): number {
  return countCorrect(yHat, y, 'accuracy').correct;
}

/** The fraction of correct predictions in a batch (the seed's calculate_accuracy); NaN for an empty batch. */
export function accuracyRate(yHat: tf.Tensor, y: tf.Tensor): number {
  const { correct, count } = countCorrect(yHat, y, 'accuracyRate');
  return correct / count;
}

/**
 * Top-k accuracy: a sample counts as correct when its label is among the k largest logits (tf.topk, like torch.topk).
 * yHat must be [N, C] logits and 1 <= k <= C. Returns the fraction, or the count with `{ normalize: false }` (as
 * sklearn's top_k_accuracy_score); an empty batch gives NaN (fraction) or 0 (count).
 */
export function topKAccuracy(yHat: tf.Tensor, y: tf.Tensor, k: number, options: { normalize?: boolean } = {}): number {
  const where = 'topKAccuracy';
  checkLabelDtype(where, y);
  if (yHat.rank !== 2) {
    throw new Error(
      `${where}: yHat must be 2-D logits [N, C], but yHat has shape ${fmt(yHat.shape)} and y has shape ${fmt(y.shape)}`,
    );
  }
  const [n, c] = yHat.shape as [number, number];
  labelCount(where, yHat, y, n);
  if (!Number.isInteger(k) || k < 1 || k > c) {
    throw new RangeError(`${where}: k must be an integer in [1, ${c}] for yHat of shape ${fmt(yHat.shape)}, got ${k}`);
  }
  let correct = 0;
  if (n > 0) {
    const stats = tf.tidy(() => {
      const labels = tf.reshape(y, [n]);
      const top = tf.topk(yHat, k).indices;
      const hit = tf.any(tf.equal(top, tf.reshape(tf.cast(labels, 'int32'), [n, 1])), 1);
      return tf.stack([tf.sum(tf.cast(hit, 'float32')), ...labelStats(labels)]);
    });
    const values = stats.dataSync();
    stats.dispose();
    checkLabelStats(where, values, c, n, yHat.shape, y.shape);
    correct = values[0]!;
  }
  return (options.normalize ?? true) ? correct / n : correct;
}
