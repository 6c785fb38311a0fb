import { tf } from '../../tf.js';

/**
 * Batch normalisation in training mode in one kernel, channels last: inputs {x float32 [..., C] (rank ≥ 2),
 * weight? [C], bias? [C]}, attrs BatchNormAttrs, three outputs:
 *   y = (x − mean)·invstd·weight + bias (x's shape),  mean [C],  var [C] (biased: the mean of squared deviations)
 * with the statistics over every axis but the last, computed in double and rounded once to float32, and
 * invstd = 1/√(var + eps) in double. Core registers it for 'cpu' (backend/cpu-kernels/batch-norm.ts); another backend
 * may register its own under this name and BATCH_NORM_GRAD_INPUT / BATCH_NORM_GRAD_WEIGHT, and the gradient below
 * serves them all.
 *
 * Only y has a gradient: mean and var feed the running statistics, which no loss reaches, so a gradient arriving
 * through them is dropped, not propagated. Give a weight whenever a gradient may be recorded (ones where there is
 * none): tfjs 4.22 clones every input its gradient names in inputsToSave and fails on an absent one.
 */
export const BATCH_NORM_TRAIN = 'TrainkitBatchNormTrain';

/**
 * d(loss)/dx of BATCH_NORM_TRAIN's y: inputs {dy, x, mean, var, weight?} (mean and var as the forward gave them),
 * attrs BatchNormAttrs, one output of x's shape. With x̂ = (x − mean)·invstd and means over all but the channel axis:
 *   dx = invstd·weight·(dy − mean(dy) − x̂·mean(dy·x̂))
 */
export const BATCH_NORM_GRAD_INPUT = 'TrainkitBatchNormGradInput';

/** d(loss)/d(weight) of BATCH_NORM_TRAIN: inputs {dy, x, mean, var}, attrs BatchNormAttrs, output [C] = Σ dy·x̂. */
export const BATCH_NORM_GRAD_WEIGHT = 'TrainkitBatchNormGradWeight';

export interface BatchNormAttrs {
  eps: number;
}

/**
 * Lazy closures: the tape calls only those of inputs that lead to what is differentiated, so a frozen weight's sum
 * never runs, nor a first layer's dx. dys is [dy, dmean, dvar]; the last two are the dropped ones (see above).
 */
const batchNormTrainGrad: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'weight'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, weight, mean, variance] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    const run = (name: string, inputs: tf.NamedTensorMap) =>
      tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    return {
      x: () => run(BATCH_NORM_GRAD_INPUT, { dy, x, mean, var: variance, weight }),
      weight: () => run(BATCH_NORM_GRAD_WEIGHT, { dy, x, mean, var: variance }),
      bias: () => tf.sum(dy, axes),
    };
  },
};

// Where the name can be imported its gradient exists; a second copy of trainkit (ESM and CJS) registered the same one.
if (!tf.getGradient(BATCH_NORM_TRAIN)) tf.registerGradient(batchNormTrainGrad);

/** Whether BATCH_NORM_TRAIN can normalise x over its last axis on the current backend. */
export function canBatchNormTrain(
  x: tf.Tensor,
  weight: tf.Tensor | null | undefined,
  bias: tf.Tensor | null | undefined,
): boolean {
  return (
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    (!weight || weight.dtype === 'float32') &&
    (!bias || bias.dtype === 'float32') &&
    tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined
  );
}

/**
 * Runs BATCH_NORM_TRAIN on checked arguments (x channels last, weight and bias [C] or absent): y, and the batch's
 * mean and biased variance [C]. Ones stand in for an absent weight, for the gradient's sake.
 */
export function batchNormTrainKernel(
  x: tf.Tensor,
  weight: tf.Tensor | null | undefined,
  bias: tf.Tensor | null | undefined,
  eps: number,
): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const inputs: tf.NamedTensorMap = { x, weight: weight ?? tf.ones([x.shape[x.rank - 1]!]) };
  if (bias) inputs.bias = bias;
  const attrs: BatchNormAttrs = { eps };
  const [y, mean, variance] = tf
    .engine()
    .runKernel(BATCH_NORM_TRAIN, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  if (!weight) inputs.weight!.dispose();
  return { y: y!, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}
