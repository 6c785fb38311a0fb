import { tf } from '../tf.js';
import {
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
  batchNormGradInputCpuKernel,
  batchNormGradWeightCpuKernel,
  batchNormTrainCpuKernel,
} from './batch-norm-train.js';
import { CONV2D_BACKPROP_FILTER_BIAS, conv2dBackpropFilterBiasCpuKernel } from './conv2d-backprop-filter-bias.js';
import { CONV2D_BIAS, conv2dBiasCpuKernel } from './conv2d-bias.js';
import { makeConv2DBackpropFilter } from './cpu-conv2d-backprop-filter.js';
import {
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  crossEntropyCpuKernel,
  crossEntropyGradCpuKernel,
} from './cross-entropy.js';
import { LINEAR_BIAS, linearBiasCpuKernel } from './linear-bias.js';
import {
  type BackendKernel,
  registeredKernels,
  registerKernels,
  requireStock,
  unregisterKernels,
} from './register-kernels.js';

/** trainkit's kernels for tfjs's 'cpu' backend: faster replacements, and the reference kernels of its own ops. */
export const CPU_KERNELS: readonly BackendKernel[] = [
  {
    name: tf.Conv2DBackpropFilter,
    role: 'replace',
    make: (stock) => makeConv2DBackpropFilter(requireStock('cpu', tf.Conv2DBackpropFilter, stock)),
  },
  { name: CONV2D_BIAS, role: 'missing', kernelFunc: conv2dBiasCpuKernel },
  { name: CONV2D_BACKPROP_FILTER_BIAS, role: 'missing', kernelFunc: conv2dBackpropFilterBiasCpuKernel },
  { name: LINEAR_BIAS, role: 'missing', kernelFunc: linearBiasCpuKernel },
  { name: CROSS_ENTROPY, role: 'missing', kernelFunc: crossEntropyCpuKernel },
  { name: CROSS_ENTROPY_GRAD, role: 'missing', kernelFunc: crossEntropyGradCpuKernel },
  { name: BATCH_NORM_TRAIN, role: 'missing', kernelFunc: batchNormTrainCpuKernel },
  { name: BATCH_NORM_GRAD_INPUT, role: 'missing', kernelFunc: batchNormGradInputCpuKernel },
  { name: BATCH_NORM_GRAD_WEIGHT, role: 'missing', kernelFunc: batchNormGradWeightCpuKernel },
];

/** The names of the trainkit kernels registered for 'cpu' right now. */
export function registeredCpuKernels(): string[] {
  return registeredKernels('cpu', CPU_KERNELS);
}

/**
 * Replaces tfjs-backend-cpu kernels that make training impractically slow, each keeping the stock kernel for the cases
 * it does not handle, and adds trainkit's own (idempotent, silent).
 */
export function registerCpuKernels(): void {
  registerKernels('cpu', CPU_KERNELS);
}

/** Puts tfjs's own cpu kernels back and removes trainkit's own: for tests and benchmarks that compare. */
export function unregisterCpuKernels(): void {
  unregisterKernels('cpu', CPU_KERNELS);
}
