import { tf } from '../../tf.js';

/** How a loss combines its per-element values, as PyTorch's `reduction` argument. */
export type Reduction = 'none' | 'mean' | 'sum';

const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/** Throws unless `reduction` is one of 'none', 'mean', 'sum'. */
export function checkReduction(lossName: string, reduction: string): asserts reduction is Reduction {
  if (!REDUCTIONS.includes(reduction as Reduction)) {
    throw new Error(`${lossName}: reduction must be 'none', 'mean' or 'sum', got '${reduction}'`);
  }
}

/** Applies an unweighted reduction: the loss itself, its sum, or its mean over every element. */
export function reduce(loss: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? tf.sum(loss) : tf.mean(loss);
}
