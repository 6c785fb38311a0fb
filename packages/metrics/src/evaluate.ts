import { nn, noGrad, tf } from '@trainkit/core';
import { checkLabelStats, correctStats } from './accuracy.js';
import { checkModel, forwardLogits, withEvalMode } from './eval-mode.js';
import { type BatchOptions, batches, type Loader } from './loader.js';
import { describeValue } from './read-scalars.js';

const fmt = nn.formatShape;

/** A loss: a module or object with forward(input, target) (nn.CrossEntropyLoss), or a plain function. */
export type LossFn =
  | { forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor; reduction?: string }
  | ((input: tf.Tensor, target: tf.Tensor) => tf.Tensor);

export interface EvaluateOptions extends BatchOptions {
  /**
   * How lossFn reduces a batch when it returns a scalar: 'mean' (PyTorch's default; multiplied by the batch size to
   * get the batch's sum) or 'sum'. Defaults to lossFn.reduction when it has one, else 'mean'. A loss that returns
   * one value per sample (reduction 'none') is summed whatever this says.
   */
  reduction?: 'mean' | 'sum';
}

export interface EvaluateResult {
  /** mean loss per sample over the whole loader (NaN for an empty loader) */
  loss: number;
  /** fraction of samples predicted correctly (NaN for an empty loader) */
  accuracy: number;
  /** number of samples seen */
  count: number;
}

function lossOf(lossFn: LossFn, logits: tf.Tensor, y: tf.Tensor): unknown {
  if (typeof lossFn === 'function') return lossFn(logits, y);
  // Through Module.call when it is a module, so hooks see the loss like any other layer.
  if (lossFn instanceof nn.Module)
    return (lossFn as unknown as { call(a: tf.Tensor, b: tf.Tensor): unknown }).call(logits, y);
  return lossFn.forward(logits, y);
}

/** The batch's summed loss as a [1] tensor, from whatever reduction the loss used. */
function batchLossSum(loss: unknown, n: number, reduction: 'mean' | 'sum', logits: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (!(loss instanceof tf.Tensor))
    throw new TypeError(`evaluate: lossFn returned ${describeValue(loss)}, expected a tensor`);
  if (loss.size === 1 && loss.rank <= 1) {
    const l = tf.reshape(tf.cast(loss, 'float32'), [1]);
    return reduction === 'sum' ? l : tf.mul(l, n);
  }
  // reduction 'none': per-sample (or per-element) losses. Summing and dividing by the elements per sample keeps the
  // same meaning as 'mean' for per-element losses ([N, H, W] segmentation losses).
  if (loss.rank === 0 || loss.shape[0] !== n) {
    throw new Error(
      `evaluate: lossFn returned shape ${fmt(loss.shape)} for logits of shape ${fmt(logits.shape)} and y of shape ${fmt(y.shape)}; expected a scalar or one loss per sample`,
    );
  }
  return tf.reshape(tf.mul(tf.sum(tf.cast(loss, 'float32')), n / loss.size), [1]);
}

function resolveReduction(lossFn: LossFn | null, options: EvaluateOptions): 'mean' | 'sum' {
  const declared = options.reduction ?? (lossFn && typeof lossFn === 'object' ? lossFn.reduction : undefined);
  if (declared === undefined || declared === 'mean' || declared === 'none') return 'mean';
  if (declared === 'sum') return 'sum';
  throw new Error(`evaluate: unknown loss reduction '${declared}' (expected 'mean', 'sum' or 'none')`);
}

async function run(model: nn.Module, loader: Loader, lossFn: LossFn | null, options: EvaluateOptions, where: string) {
  checkModel(model, where);
  if (lossFn !== null && typeof lossFn !== 'function' && typeof lossFn?.forward !== 'function') {
    throw new TypeError(
      `${where}: lossFn must be a function or have forward(input, target), got ${describeValue(lossFn)}`,
    );
  }
  const reduction = resolveReduction(lossFn, options);
  return withEvalMode(model, async () => {
    // Totals live on the host in float64: summing float32 losses on the device loses digits over a large test set.
    let lossSum = 0;
    let correct = 0;
    let count = 0;
    for await (const [x, y] of batches(loader, where, options)) {
      const n = y.rank === 0 ? 1 : y.shape[0]!;
      if (n === 0) continue;
      let numClasses: number | null = null;
      let logitsShape: number[] = [];
      // Everything a batch contributes comes back in one vector, one download: [lossSum?, correct, min, max, nonInt].
      const stats = noGrad(() => {
        const logits = forwardLogits(model, x, where);
        logitsShape = logits.shape;
        const acc = correctStats(logits, y, where);
        numClasses = acc.numClasses;
        return lossFn === null
          ? acc.stats
          : tf.concat([batchLossSum(lossOf(lossFn, logits, y), n, reduction, logits, y), acc.stats]);
      });
      let values: ArrayLike<number>;
      try {
        values = (await stats.data()) as ArrayLike<number>;
      } finally {
        stats.dispose();
      }
      const offset = lossFn === null ? 0 : 1;
      checkLabelStats(where, Array.prototype.slice.call(values, offset), numClasses, n, logitsShape, y.shape);
      if (lossFn !== null) lossSum += values[0]!;
      correct += values[offset]!;
      count += n;
    }
    return { loss: lossSum / count, accuracy: correct / count, count };
  });
}

/**
 * d2l's evaluate_accuracy: the fraction of samples the model classifies correctly over a whole loader. The model runs
 * in eval mode under noGrad, and every module's training flag is restored afterwards (also when an error is thrown).
 * One small download per batch; the batches are disposed after use unless `disposeBatches: false`.
 */
export async function evaluateAccuracy(model: nn.Module, loader: Loader, options: BatchOptions = {}): Promise<number> {
  return (await run(model, loader, null, options, 'evaluateAccuracy')).accuracy;
}

/**
 * Mean loss per sample and accuracy over a whole loader, in eval mode under noGrad with the training flags restored
 * afterwards. The loss is summed per batch (mean × batch size for a 'mean' loss, as is for 'sum', summed for 'none')
 * and divided by the number of samples, so a short last batch weighs what its samples weigh. One download per batch.
 */
export async function evaluate(
  model: nn.Module,
  loader: Loader,
  lossFn: LossFn,
  options: EvaluateOptions = {},
): Promise<EvaluateResult> {
  if (lossFn === null || lossFn === undefined)
    throw new TypeError('evaluate: lossFn is required (use evaluateAccuracy without one)');
  return run(model, loader, lossFn, options, 'evaluate');
}
