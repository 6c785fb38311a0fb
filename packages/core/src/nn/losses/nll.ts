import { tf } from '../../tf.js';
import type { Reduction } from './reduction.js';

/**
 * Negative log-likelihood on log-probabilities laid out classes-last ([…, C]) for class-index targets […]:
 * loss_n = -w[y_n]·x[n, y_n], and 0 where y_n = ignoreIndex. Also returns the per-element weights w[y_n] (0 where
 * ignored), the denominator of the weighted mean. Targets must already be checked to lie in [0, C) or be ignored.
 */
export function nllPerElement(
  logProbs: tf.Tensor,
  target: tf.Tensor,
  weight: tf.Tensor | null,
  ignoreIndex: number,
): { loss: tf.Tensor; weights: tf.Tensor } {
  const numClasses = logProbs.shape[logProbs.rank - 1]!;
  // [..., C]: 1 at the target class, a row of 0 where the target is ignored (ignoreIndex is outside [0, C) or, if
  // inside, masked). Built by comparison: tfjs-wasm's oneHot writes int32 bits into a float32 output.
  const classes = tf.range(0, numClasses, 1, 'int32');
  const hit = tf.logicalAnd(
    tf.equal(tf.expandDims(target, -1), classes),
    tf.expandDims(tf.notEqual(target, ignoreIndex), -1),
  );
  const picked = tf.cast(hit, 'float32');
  const weighted = weight ? tf.mul(picked, weight) : picked;
  const weights = tf.sum(weighted, -1);
  const loss = tf.neg(tf.sum(tf.mul(logProbs, weighted), -1));
  return { loss, weights };
}

/**
 * PyTorch's rule for class-weighted losses: 'mean' divides the sum by the total weight of the non-ignored targets
 * (Σ w[y_n]), not by their count, so that weights rescale classes rather than the loss.
 */
export function weightedReduce(loss: tf.Tensor, weights: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'none') return loss;
  const total = tf.sum(loss);
  return reduction === 'sum' ? total : tf.div(total, tf.sum(weights));
}
