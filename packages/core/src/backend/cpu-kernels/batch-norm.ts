import {
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
  type BatchNormAttrs,
} from '../../nn/functional/batch-norm-kernel.js';
import type { tf } from '../../tf.js';

type CpuBackend = {
  data: { get(id: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};

/** The float32 data of the named inputs, checked: those of length `c` are per-channel, the others x-sized. */
function reader(kernel: string, { inputs, backend }: Parameters<tf.KernelFunc>[0]) {
  const b = backend as unknown as CpuBackend;
  const all = inputs as Record<string, tf.TensorInfo | undefined>;
  const x = all.x;
  if (!x || x.shape.length < 2) throw new Error(`cpu ${kernel}: expected x [..., C] of rank 2 or more`);
  const c = x.shape[x.shape.length - 1]!;
  const size = x.shape.reduce((a, d) => a * d, 1);
  const read = (name: string, perChannel: boolean): Float32Array => {
    const info = all[name];
    const values = info && b.data.get(info.dataId).values;
    if (!(values instanceof Float32Array)) throw new Error(`cpu ${kernel}: expected ${name} as float32 data`);
    const length = perChannel ? c : size;
    if (values.length !== length) {
      throw new Error(`cpu ${kernel}: expected ${name} of ${length} values for x [${x.shape}], got ${values.length}`);
    }
    return values;
  };
  const optional = (name: string) => (all[name] ? read(name, true) : undefined);
  return { b, x: read('x', false), shape: x.shape, c, n: size / c, read, optional };
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
export const batchNormTrainCpuKernel: tf.KernelFunc = (args) => {
  const { b, x, shape, c, n, optional } = reader(BATCH_NORM_TRAIN, args);
  const { eps } = args.attrs as unknown as BatchNormAttrs;
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
    b.makeTensorInfo(shape, 'float32', y),
    b.makeTensorInfo([c], 'float32', Float32Array.from(mean)),
    b.makeTensorInfo([c], 'float32', Float32Array.from(variance)),
  ];
};

/** BATCH_NORM_GRAD_INPUT on tfjs's cpu backend: the two sums, then dx, in double, rounded once. */
export const batchNormGradInputCpuKernel: tf.KernelFunc = (args) => {
  const { b, x, shape, c, n, read, optional } = reader(BATCH_NORM_GRAD_INPUT, args);
  const { eps } = args.attrs as unknown as BatchNormAttrs;
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
  return b.makeTensorInfo(shape, 'float32', dx);
};

/** BATCH_NORM_GRAD_WEIGHT on tfjs's cpu backend: Σ dy·x̂ per channel in double, one pass. */
export const batchNormGradWeightCpuKernel: tf.KernelFunc = (args) => {
  const { b, x, c, read } = reader(BATCH_NORM_GRAD_WEIGHT, args);
  const { eps } = args.attrs as unknown as BatchNormAttrs;
  const mean = read('mean', true);
  const { sumDyXhat } = gradientSums(read('dy', false), x, mean, invStd(read('var', true), eps), c);
  return b.makeTensorInfo([c], 'float32', Float32Array.from(sumDyXhat));
};
