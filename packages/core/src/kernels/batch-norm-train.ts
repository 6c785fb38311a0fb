import { tf } from '../tf.js';
import { cpuData } from './cpu-data.js';
import { defineKernel, type KernelArgs } from './define-kernel.js';

/**
 * Batch normalisation in training mode in one kernel, channels last: inputs {x float32 [..., C] (rank ≥ 2),
 * weight? [C], bias? [C]}, attrs BatchNormAttrs, three outputs:
 *   y = (x − mean)·invstd·weight + bias (x's shape),  mean [C],  var [C] (biased: the mean of squared deviations)
 * with the statistics over every axis but the last, computed in double and rounded once to float32, and
 * invstd = 1/√(var + eps) in double. Core registers it for 'cpu' (the cpu kernels below); another backend
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

type GradInputs = 'dy' | 'x' | 'mean' | 'var' | 'weight';
export const batchNormGradInputOp = defineKernel<GradInputs, BatchNormAttrs>(BATCH_NORM_GRAD_INPUT);
export const batchNormGradWeightOp = defineKernel<GradInputs, BatchNormAttrs>(BATCH_NORM_GRAD_WEIGHT);

/**
 * Lazy closures: the tape calls only those of inputs that lead to what is differentiated, so a frozen weight's sum
 * never runs, nor a first layer's dx. dys is [dy, dmean, dvar]; the last two are the dropped ones (see above).
 */
export const batchNormTrainOp = defineKernel<'x' | 'weight' | 'bias', BatchNormAttrs>(BATCH_NORM_TRAIN, {
  inputsToSave: ['x', 'weight'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, weight, mean, variance] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    return {
      x: () => batchNormGradInputOp.run1({ dy, x, mean, var: variance, weight }, attrs),
      weight: () => batchNormGradWeightOp.run1({ dy, x, mean, var: variance }, attrs),
      bias: () => tf.sum(dy, axes),
    };
  },
});

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
    batchNormTrainOp.has()
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
  const ones = weight ? undefined : tf.ones([x.shape[x.rank - 1]!]);
  const [y, mean, variance] = batchNormTrainOp.run({ x, weight: weight ?? ones, ...(bias ? { bias } : {}) }, { eps });
  ones?.dispose();
  return { y: y!, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** The float32 data of the named inputs, checked: those of length `c` are per-channel, the others x-sized. */
function reader(kernel: string, { inputs, backend }: KernelArgs<GradInputs | 'bias', BatchNormAttrs>) {
  const data = cpuData(backend, kernel);
  const x = inputs.x;
  if (!x || x.shape.length < 2) throw new Error(`cpu ${kernel}: expected x [..., C] of rank 2 or more`);
  const c = x.shape[x.shape.length - 1]!;
  const size = x.shape.reduce((a, d) => a * d, 1);
  const read = (name: GradInputs | 'bias', perChannel: boolean): Float32Array => {
    const values = data.values(inputs[name], name);
    const length = perChannel ? c : size;
    if (values.length !== length) {
      throw new Error(`cpu ${kernel}: expected ${name} of ${length} values for x [${x.shape}], got ${values.length}`);
    }
    return values;
  };
  const optional = (name: 'weight' | 'bias') => (inputs[name] ? read(name, true) : undefined);
  return { data, x: read('x', false), shape: x.shape, c, n: size / c, read, optional };
}

/** 1/√(var + eps) per channel in double. */
function invStd(variance: Float32Array | Float64Array, eps: number): Float64Array {
  return Float64Array.from(variance, (v) => 1 / Math.sqrt(v + eps));
}

/** Σ dy and Σ dy·x̂ per channel in double, x̂ = (x − mean)·invstd, over the rows of channels-last data. */
function gradientSums(dy: Float32Array, x: Float32Array, mean: Float32Array, inv: Float64Array, c: number) {
  const sumDy = new Float64Array(c);
  const sumDyXhat = new Float64Array(c);
  for (let at = 0; at < x.length; at += c) {
    for (let j = 0; j < c; j++) {
      const g = dy[at + j]!;
      sumDy[j]! += g;
      sumDyXhat[j]! += g * (x[at + j]! - mean[j]!) * inv[j]!;
    }
  }
  return { sumDy, sumDyXhat };
}

/**
 * BATCH_NORM_TRAIN on tfjs's cpu backend: three passes over x (the sum, the squared deviations from the mean, the
 * output), where the op-by-op form runs a dozen kernels and allocates as many x-sized intermediates. The variance is
 * the two-pass Σ(x − mean)²/n, which a large mean does not swamp as E[x²] − mean² would.
 */
export const batchNormTrainCpuKernel = batchNormTrainOp.kernel((args) => {
  const { data, x, shape, c, n, optional } = reader(BATCH_NORM_TRAIN, args);
  const { eps } = args.attrs;
  const w = optional('weight');
  const bias = optional('bias');
  const mean = new Float64Array(c);
  for (let at = 0; at < x.length; at += c) for (let j = 0; j < c; j++) mean[j]! += x[at + j]!;
  for (let j = 0; j < c; j++) mean[j]! /= n;
  const variance = new Float64Array(c);
  for (let at = 0; at < x.length; at += c) {
    for (let j = 0; j < c; j++) {
      const d = x[at + j]! - mean[j]!;
      variance[j]! += d * d;
    }
  }
  for (let j = 0; j < c; j++) variance[j]! /= n;
  const inv = invStd(variance, eps);
  const y = new Float32Array(x.length);
  for (let at = 0; at < x.length; at += c) {
    for (let j = 0; j < c; j++) {
      const r = (x[at + j]! - mean[j]!) * inv[j]!;
      y[at + j] = (w ? r * w[j]! : r) + (bias ? bias[j]! : 0);
    }
  }
  return [
    data.output(shape, y),
    data.output([c], Float32Array.from(mean)),
    data.output([c], Float32Array.from(variance)),
  ];
});

/** BATCH_NORM_GRAD_INPUT on tfjs's cpu backend: the two sums, then dx, in double, rounded once. */
export const batchNormGradInputCpuKernel = batchNormGradInputOp.kernel((args) => {
  const { data, x, shape, c, n, read, optional } = reader(BATCH_NORM_GRAD_INPUT, args);
  const { eps } = args.attrs;
  const dy = read('dy', false);
  const mean = read('mean', true);
  const inv = invStd(read('var', true), eps);
  const w = optional('weight');
  const { sumDy, sumDyXhat } = gradientSums(dy, x, mean, inv, c);
  const dx = new Float32Array(x.length);
  for (let at = 0; at < x.length; at += c) {
    for (let j = 0; j < c; j++) {
      const xhat = (x[at + j]! - mean[j]!) * inv[j]!;
      const scale = w ? inv[j]! * w[j]! : inv[j]!;
      dx[at + j] = scale * (dy[at + j]! - sumDy[j]! / n - (xhat * sumDyXhat[j]!) / n);
    }
  }
  return data.output(shape, dx);
});

/** BATCH_NORM_GRAD_WEIGHT on tfjs's cpu backend: Σ dy·x̂ per channel in double, one pass. */
export const batchNormGradWeightCpuKernel = batchNormGradWeightOp.kernel((args) => {
  const { data, x, c, read } = reader(BATCH_NORM_GRAD_WEIGHT, args);
  const { eps } = args.attrs;
  const mean = read('mean', true);
  const { sumDyXhat } = gradientSums(read('dy', false), x, mean, invStd(read('var', true), eps), c);
  return data.output([c], Float32Array.from(sumDyXhat));
});
