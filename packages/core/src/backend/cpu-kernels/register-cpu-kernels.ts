import {
  CONV2D_BACKPROP_FILTER_BIAS,
  conv2dBackpropFilterBiasCpuKernel,
} from '../../kernels/conv2d-backprop-filter-bias.js';
import {
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
} from '../../nn/functional/batch-norm-kernel.js';
import { CONV2D_BIAS } from '../../nn/functional/conv2d-bias.js';
import { LINEAR_BIAS } from '../../nn/functional/linear-bias.js';
import { CROSS_ENTROPY, CROSS_ENTROPY_GRAD } from '../../nn/losses/cross-entropy-kernel.js';
import { tf } from '../../tf.js';
import { batchNormGradInputCpuKernel, batchNormGradWeightCpuKernel, batchNormTrainCpuKernel } from './batch-norm.js';
import { makeConv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBias } from './conv2d-bias.js';
import { crossEntropyCpuKernel, crossEntropyGradCpuKernel } from './cross-entropy.js';
import { linearBias } from './linear-bias.js';

/**
 * One trainkit kernel for tfjs's 'cpu' backend. 'replace': made from the stock kernel it replaces (its fallback).
 * 'own': a kernel of trainkit's own that tfjs does not have.
 */
type CpuKernel =
  | { name: string; role: 'replace'; make(stock: tf.KernelConfig): tf.KernelFunc }
  | { name: string; role: 'own'; kernelFunc: tf.KernelFunc };

export const CPU_KERNELS: readonly CpuKernel[] = [
  { name: tf.Conv2DBackpropFilter, role: 'replace', make: makeConv2DBackpropFilter },
  { name: CONV2D_BIAS, role: 'own', kernelFunc: conv2dBias },
  { name: CONV2D_BACKPROP_FILTER_BIAS, role: 'own', kernelFunc: conv2dBackpropFilterBiasCpuKernel },
  { name: LINEAR_BIAS, role: 'own', kernelFunc: linearBias },
  { name: CROSS_ENTROPY, role: 'own', kernelFunc: crossEntropyCpuKernel },
  { name: CROSS_ENTROPY_GRAD, role: 'own', kernelFunc: crossEntropyGradCpuKernel },
  { name: BATCH_NORM_TRAIN, role: 'own', kernelFunc: batchNormTrainCpuKernel },
  { name: BATCH_NORM_GRAD_INPUT, role: 'own', kernelFunc: batchNormGradInputCpuKernel },
  { name: BATCH_NORM_GRAD_WEIGHT, role: 'own', kernelFunc: batchNormGradWeightCpuKernel },
];

// Marks our configs, so that a second copy of trainkit in the process (ESM and CJS side by side) leaves them be.
const MARK = Symbol.for('trainkit.cpuKernel');
type Marked = tf.KernelConfig & { [MARK]?: { stock: tf.KernelConfig | undefined } };

/** The names of the trainkit kernels registered for 'cpu' right now. */
export function registeredCpuKernels(): string[] {
  return CPU_KERNELS.filter((k) => (tf.getKernel(k.name, 'cpu') as Marked | undefined)?.[MARK]).map((k) => k.name);
}

/**
 * Replaces tfjs-backend-cpu kernels that make training impractically slow, each keeping the stock kernel for the cases
 * it does not handle, and adds trainkit's own (idempotent, silent).
 */
export function registerCpuKernels(): void {
  for (const k of CPU_KERNELS) {
    const existing = tf.getKernel(k.name, 'cpu') as Marked | undefined;
    if (existing?.[MARK]) continue;
    if (k.role === 'own') {
      const config: Marked = {
        kernelName: k.name,
        backendName: 'cpu',
        kernelFunc: k.kernelFunc,
        [MARK]: { stock: undefined },
      };
      if (!existing) tf.registerKernel(config);
      continue;
    }
    if (!existing) continue;
    tf.unregisterKernel(k.name, 'cpu');
    const config: Marked = {
      ...existing,
      kernelFunc: k.make(existing),
      [MARK]: { stock: existing },
    };
    tf.registerKernel(config);
  }
}

/** Puts tfjs's own cpu kernels back and removes trainkit's own: for tests and benchmarks that compare. */
export function unregisterCpuKernels(): void {
  for (const k of CPU_KERNELS) {
    const mark = (tf.getKernel(k.name, 'cpu') as Marked | undefined)?.[MARK];
    if (!mark) continue;
    tf.unregisterKernel(k.name, 'cpu');
    if (mark.stock) tf.registerKernel(mark.stock);
  }
}
