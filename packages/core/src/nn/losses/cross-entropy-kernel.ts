import { tf } from '../../tf.js';
import type { Reduction } from './reduction.js';

/**
 * Cross entropy of logits and class indices in one kernel: inputs {logits [N, C] float32, target [N] int32,
 * weight? [C] float32}, attrs CrossEntropyAttrs, output the loss exactly as crossEntropy defines it for class
 * indices ([N] for 'none', a scalar otherwise). The kernel range-checks the targets itself and throws
 * checkClassTargetRange's error, so that the targets need no separate read. Core registers it for 'cpu'
 * (backend/cpu-kernels/cross-entropy.ts); a backend on tfjs's cpu data model may register the same functions.
 *
 * Give a weight whenever a gradient may be recorded: tfjs 4.22 clones every input its gradient names in
 * inputsToSave and fails on an absent one (crossEntropy passes ones when the caller gave none).
 */
export const CROSS_ENTROPY = 'TrainkitCrossEntropy';

/**
 * d(loss)/d(logits) of CROSS_ENTROPY: inputs {dy, logits, target, weight?}, the same attrs, output [N, C]. dy is [N]
 * for 'none' and a scalar otherwise; rows of ignored targets are zero (so an all-ignored 'mean' gives a zero
 * gradient, as PyTorch's, though its loss is NaN). A backend that registers CROSS_ENTROPY registers this too.
 */
export const CROSS_ENTROPY_GRAD = 'TrainkitCrossEntropyGrad';

export interface CrossEntropyAttrs {
  ignoreIndex: number;
  reduction: Reduction;
  /** ε in [0, 1], checked before the kernel runs */
  labelSmoothing: number;
  /** names the loss in the out-of-range error, as checkClassTargets does */
  lossName: string;
}

/**
 * Lazy closures: the tape calls only those of inputs that lead to what is differentiated, which is the logits in
 * training (the targets are int32 and the class weight a buffer). The weight's gradient is op by op, as rare as it is.
 */
const crossEntropyGrad: tf.GradConfig = {
  kernelName: CROSS_ENTROPY,
  inputsToSave: ['logits', 'target', 'weight'],
  gradFunc: (dy, saved, attrs) => {
    const [logits, target, weight] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D | undefined];
    const a = attrs as unknown as CrossEntropyAttrs;
    const inputs: tf.NamedTensorMap = { dy: dy as tf.Tensor, logits, target };
    if (weight) inputs.weight = weight;
    return {
      logits: () => tf.engine().runKernel(CROSS_ENTROPY_GRAD, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor,
      // as tfjs's OneHot for its indices: the tape requires a float32 closure for every input it has not pruned
      target: () => tf.zeros(target.shape, 'float32'),
      weight: () => weightGrad(dy as tf.Tensor, logits, target, weight ?? tf.ones([logits.shape[1]]), a),
    };
  },
};

// Where the name can be imported its gradient exists; a second copy of trainkit (ESM and CJS) registered the same one.
if (!tf.getGradient(CROSS_ENTROPY)) tf.registerGradient(crossEntropyGrad);

/**
 * d(loss)/d(w). The loss is linear in w: ℓ_n = Σ_c w_c·G[n, c] with G[n, c] = -((1 - ε)·[c = y_n] + (ε/C)·k_n)·
 * log softmax(x_n)_c (k_n = 0 for ignored targets), so 'none' and 'sum' give Σ_n dy·G[n, c]; 'mean' divides by
 * W = Σ_n w[y_n], which depends on w too: d(S/W)/dw_c = (Σ_n G[n, c] - (S/W)·Σ_n [c = y_n]) / W.
 */
function weightGrad(
  dy: tf.Tensor,
  logits: tf.Tensor2D,
  target: tf.Tensor1D,
  weight: tf.Tensor1D,
  a: CrossEntropyAttrs,
): tf.Tensor {
  const numClasses = logits.shape[1];
  const kept = tf.expandDims(tf.notEqual(target, a.ignoreIndex), -1);
  const picked = tf.cast(
    tf.logicalAnd(tf.equal(tf.expandDims(target, -1), tf.range(0, numClasses, 1, 'int32')), kept),
    'float32',
  );
  const eps = a.labelSmoothing;
  const coef = eps === 0 ? picked : tf.add(tf.mul(picked, 1 - eps), tf.mul(tf.cast(kept, 'float32'), eps / numClasses));
  const g = tf.neg(tf.mul(coef, tf.logSoftmax(logits)));
  if (a.reduction === 'none') return tf.sum(tf.mul(g, tf.expandDims(dy, -1)), 0);
  const total = tf.sum(g, 0);
  if (a.reduction === 'sum') return tf.mul(total, dy);
  const w = tf.sum(tf.mul(picked, weight));
  const mean = tf.div(tf.sum(tf.mul(g, weight)), w);
  return tf.mul(tf.div(tf.sub(total, tf.mul(mean, tf.sum(picked, 0))), w), dy);
}

/** Whether the current backend has CROSS_ENTROPY (and so its gradient kernel). */
export function hasCrossEntropyKernel(): boolean {
  return tf.getKernel(CROSS_ENTROPY, tf.getBackend()) !== undefined;
}

/**
 * Runs CROSS_ENTROPY on checked arguments (logits [N, C] float32, target [N] int32, weight [C] float32 or null);
 * the targets' range is the kernel's to check.
 */
export function crossEntropyKernel(
  logits: tf.Tensor,
  target: tf.Tensor,
  weight: tf.Tensor | null,
  attrs: CrossEntropyAttrs,
): tf.Tensor {
  return tf.tidy(() => {
    const w = weight ?? tf.ones([logits.shape[1]!]);
    return tf
      .engine()
      .runKernel(CROSS_ENTROPY, { logits, target, weight: w }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
}
