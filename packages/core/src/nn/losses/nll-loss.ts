import { tf } from '../../tf.js';
import { checkClassTargets, checkClassWeight, classesLast } from './class-targets.js';
import { Loss } from './loss.js';
import { checkFloat } from './loss-checks.js';
import { nllPerElement, weightedReduce } from './nll.js';
import type { Reduction } from './reduction.js';
import { checkReduction } from './reduction.js';

export interface NLLLossOptions {
  /** a rescaling weight per class, shape [C] */
  weight?: tf.Tensor | null;
  /** targets equal to this contribute nothing, to the loss or to the mean's denominator (default -100) */
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * The negative log likelihood loss for log-probabilities `input` [N, C, d1…] (or [C]) and class indices `target`
 * [N, d1…] (int32):  ℓ_n = -w[y_n]·x[n, y_n];  'mean' is Σ ℓ_n / Σ w[y_n] over the targets that are not ignored.
 */
export function nllLoss(input: tf.Tensor, target: tf.Tensor, options: NLLLossOptions = {}): tf.Tensor {
  return nll('nllLoss', input, target, options);
}

function nll(name: string, input: tf.Tensor, target: tf.Tensor, options: NLLLossOptions): tf.Tensor {
  const { weight = null, ignoreIndex = -100, reduction = 'mean' } = options;
  checkReduction(name, reduction);
  checkFloat(name, 'input', input);
  checkClassTargets(name, input, target, ignoreIndex);
  if (weight) checkClassWeight(name, weight, input.rank === 1 ? input.shape[0]! : input.shape[1]!);
  return tf.tidy(() => {
    const { loss, weights } = nllPerElement(classesLast(input), target, weight, ignoreIndex);
    return weightedReduce(loss, weights, reduction);
  });
}

/** torch.nn.NLLLoss: `forward(logProbs, target)`, usually after a LogSoftmax layer. See nllLoss. */
export class NLLLoss extends Loss {
  readonly ignoreIndex: number;

  constructor(options: NLLLossOptions = {}) {
    super(options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.registerBuffer('weight', options.weight ? options.weight.clone() : null);
  }

  get weight(): tf.Tensor | null {
    return this.optionalBuffer('weight');
  }

  forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    return nll(this.typeName, input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}
