import { crossEntropyKernel, hasCrossEntropyKernel } from '../../kernels/cross-entropy.js';
import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { checkClassTargetShape, checkClassTargets, checkClassWeight, classesLast } from './class-targets.js';
import { Loss } from './loss.js';
import { checkFloat } from './loss-checks.js';
import { nllPerElement, weightedReduce } from './nll.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface CrossEntropyLossOptions {
  /** a rescaling weight per class, shape [C] */
  weight?: tf.Tensor | null;
  /** class-index targets equal to this contribute nothing (default -100); unused with probability targets */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** ε in [0, 1]: the target becomes (1 - ε)·target + ε/C (default 0) */
  labelSmoothing?: number;
}

/**
 * Cross entropy between logits `input` [N, C, d1…] (or [C]) and a target that is either class indices [N, d1…]
 * (int32) or class probabilities of the input's shape (float32), as torch.nn.functional.cross_entropy:
 *
 *   indices:        ℓ_n = -w[y_n]·log softmax(x_n)[y_n];  'mean' = Σ ℓ_n / Σ w[y_n] over the non-ignored targets
 *   probabilities:  ℓ_n = -Σ_c w_c·y_nc·log softmax(x_n)_c;  'mean' = Σ ℓ_n / (N·d1…)
 *
 * With label smoothing ε, index targets give (1 - ε)·ℓ_n + (ε/C)·(-Σ_c w_c·log softmax(x_n)_c), reduced by the same
 * weighted mean. The log-softmax subtracts the row maximum first, so large logits do not overflow.
 */
export function crossEntropy(input: tf.Tensor, target: tf.Tensor, options: CrossEntropyLossOptions = {}): tf.Tensor {
  return crossEntropyAs('crossEntropy', input, target, options);
}

function crossEntropyAs(
  name: string,
  input: tf.Tensor,
  target: tf.Tensor,
  options: CrossEntropyLossOptions,
): tf.Tensor {
  const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = options;
  checkReduction(name, reduction);
  checkFloat(name, 'input (logits)', input);
  checkLabelSmoothing(name, labelSmoothing);
  if (input.rank === 0) throw new Error(`${name}: expected input [N, C, …] or [C], got a scalar`);
  const numClasses = input.rank === 1 ? input.shape[0]! : input.shape[1]!;
  if (weight) checkClassWeight(name, weight, numClasses);
  if (target.dtype === 'float32') return probabilityTargets(name, input, target, weight, reduction, labelSmoothing);
  if (target.dtype !== 'int32') {
    throw new Error(
      `${name}: expected a target of int32 class indices or float32 probabilities, got ${target.dtype} (input ${formatShape(input.shape)}, target ${formatShape(target.shape)})`,
    );
  }
  checkClassTargetShape(name, input, target);
  // [N, C] is the training case (a classifier's logits); one kernel then does what the ops below do in ~35
  if (input.rank === 2 && hasCrossEntropyKernel()) {
    return crossEntropyKernel(input, target, weight, { ignoreIndex, reduction, labelSmoothing, lossName: name });
  }
  checkClassTargets(name, input, target, ignoreIndex);
  return classIndexCrossEntropy(input, target, weight, ignoreIndex, reduction, labelSmoothing);
}

/**
 * crossEntropy for class-index targets op by op, on checked arguments (targets in [0, C) or ignoreIndex): for every
 * backend without CROSS_ENTROPY and for inputs other than [N, C].
 */
export function classIndexCrossEntropy(
  input: tf.Tensor,
  target: tf.Tensor,
  weight: tf.Tensor | null,
  ignoreIndex: number,
  reduction: Reduction,
  labelSmoothing: number,
): tf.Tensor {
  const numClasses = input.rank === 1 ? input.shape[0]! : input.shape[1]!;
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(classesLast(input));
    const { loss, weights } = nllPerElement(logProbs, target, weight, ignoreIndex);
    const nll = weightedReduce(loss, weights, reduction);
    if (labelSmoothing === 0) return nll;
    const kept = tf.cast(tf.notEqual(target, ignoreIndex), 'float32');
    const smooth = tf.mul(tf.neg(tf.sum(weight ? tf.mul(logProbs, weight) : logProbs, -1)), kept);
    return tf.add(
      tf.mul(nll, 1 - labelSmoothing),
      tf.mul(weightedReduce(smooth, weights, reduction), labelSmoothing / numClasses),
    );
  });
}

function checkLabelSmoothing(name: string, labelSmoothing: number): void {
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${name}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
}

function probabilityTargets(
  name: string,
  input: tf.Tensor,
  target: tf.Tensor,
  weight: tf.Tensor | null,
  reduction: Reduction,
  labelSmoothing: number,
): tf.Tensor {
  if (!tf.util.arraysEqual(input.shape, target.shape)) {
    throw new Error(
      `${name}: probability targets (float32) must have the input's shape; for class indices pass an int32 target (input ${formatShape(input.shape)}, target ${formatShape(target.shape)})`,
    );
  }
  return tf.tidy(() => {
    const numClasses = input.rank === 1 ? input.shape[0]! : input.shape[1]!;
    const logProbs = tf.logSoftmax(classesLast(input));
    let probs = classesLast(target);
    if (labelSmoothing > 0) probs = tf.add(tf.mul(probs, 1 - labelSmoothing), labelSmoothing / numClasses);
    const terms = tf.mul(logProbs, weight ? tf.mul(probs, weight) : probs);
    const loss = tf.neg(tf.sum(terms, -1));
    if (reduction === 'none') return loss;
    const total = tf.sum(loss);
    return reduction === 'sum' ? total : tf.div(total, loss.size);
  });
}

/**
 * torch.nn.CrossEntropyLoss: `forward(logits, target)` with class indices (int32 [N, d1…]) or probabilities
 * (float32, the logits' shape). See crossEntropy for the formula and the weighted mean.
 */
export class CrossEntropyLoss extends Loss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyLossOptions = {}) {
    super(options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    checkLabelSmoothing(this.typeName, this.labelSmoothing);
    this.registerBuffer('weight', options.weight ? options.weight.clone() : null);
  }

  get weight(): tf.Tensor | null {
    return this.optionalBuffer('weight');
  }

  forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    return crossEntropyAs(this.typeName, input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}
