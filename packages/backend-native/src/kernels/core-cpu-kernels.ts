import type { tf } from '@trainkit/core';
import {
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  crossEntropyCpuKernel,
  crossEntropyGradCpuKernel,
} from '@trainkit/core/kernels';
import { withPlainInputs } from './util.js';

/**
 * core's own kernels written for tfjs's cpu data model, registered for 'native' as they are (native keeps that
 * model): the cross entropy and its gradient, one kernel each instead of ~35 tiny ones per MNIST step. core
 * registers them for cpu only when it first chooses cpu, so native takes them from core, not from cpu's registry.
 */
export function coreCpuKernels(): tf.KernelConfig[] {
  return [
    [CROSS_ENTROPY, crossEntropyCpuKernel],
    [CROSS_ENTROPY_GRAD, crossEntropyGradCpuKernel],
  ].map(([kernelName, kernelFunc]) => ({
    kernelName: kernelName as string,
    backendName: 'native',
    kernelFunc: withPlainInputs(kernelFunc as tf.KernelFunc),
  }));
}
