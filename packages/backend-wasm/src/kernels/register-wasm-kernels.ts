import { tf } from '@trainkit/core';
import {
  type BackendKernel,
  CONV2D_BIAS,
  registeredKernels,
  registerKernels,
  requireStock,
  unregisterKernels,
} from '@trainkit/core/kernels';
import { avgPoolGrad } from './avg-pool-grad.js';
import { makeBatchMatMul, makeFusedMatMul } from './batch-mat-mul.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { conv2dBias } from './conv2d-bias.js';
import { depthwiseConv2dNativeBackpropFilter } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInput } from './depthwise-conv2d-backprop-input.js';
import { identity } from './identity.js';
import { makeLeadingAxesReduce } from './leading-axes-reduce.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { makeNumericPadding } from './numeric-padding.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

const need = (name: string, config: tf.KernelConfig | undefined) => requireStock('wasm', name, config);

/**
 * trainkit's kernels for the wasm backend: the ones tfjs-backend-wasm 4.22 lacks ('missing'; a later tfjs that brings
 * one keeps its own) and faster ones for stock kernels that are pathologically slow ('replace').
 */
export const WASM_KERNELS: readonly BackendKernel[] = [
  { name: tf.Conv2DBackpropFilter, role: 'missing', kernelFunc: conv2DBackpropFilter },
  { name: tf.DepthwiseConv2dNativeBackpropFilter, role: 'missing', kernelFunc: depthwiseConv2dNativeBackpropFilter },
  { name: tf.DepthwiseConv2dNativeBackpropInput, role: 'missing', kernelFunc: depthwiseConv2dNativeBackpropInput },
  { name: tf.UnsortedSegmentSum, role: 'missing', kernelFunc: unsortedSegmentSum },
  { name: CONV2D_BIAS, role: 'missing', kernelFunc: conv2dBias },
  { name: tf.Conv2DBackpropInput, role: 'replace', make: () => conv2DBackpropInput },
  { name: tf.MaxPoolGrad, role: 'replace', make: () => maxPoolGrad },
  { name: tf.AvgPoolGrad, role: 'replace', make: () => avgPoolGrad },
  { name: tf.Identity, role: 'replace', make: () => identity },
  { name: tf.BatchMatMul, role: 'replace', make: (stock) => makeBatchMatMul(need(tf.BatchMatMul, stock)) },
  { name: tf._FusedMatMul, role: 'replace', make: (stock) => makeFusedMatMul(need(tf._FusedMatMul, stock)) },
  { name: tf.Sum, role: 'replace', make: (stock) => makeLeadingAxesReduce(need(tf.Sum, stock), 'sum') },
  { name: tf.Mean, role: 'replace', make: (stock) => makeLeadingAxesReduce(need(tf.Mean, stock), 'mean') },
  { name: tf.MaxPool, role: 'replace', make: (stock) => makeNumericPadding(need(tf.MaxPool, stock), 'pool') },
  { name: tf.AvgPool, role: 'replace', make: (stock) => makeNumericPadding(need(tf.AvgPool, stock), 'pool') },
  { name: tf.Conv2D, role: 'replace', make: (stock) => makeNumericPadding(need(tf.Conv2D, stock), 'conv') },
  {
    name: tf.DepthwiseConv2dNative,
    role: 'replace',
    make: (stock) => makeNumericPadding(need(tf.DepthwiseConv2dNative, stock), 'depthwise'),
  },
];

/** The names of the trainkit kernels registered for 'wasm' right now. */
export function registeredWasmKernels(): string[] {
  return registeredKernels('wasm', WASM_KERNELS);
}

/**
 * Registers trainkit's kernels for tfjs's 'wasm' backend (all of them, or the named ones); without the missing ones conv
 * nets and embeddings cannot train on it. Idempotent and silent.
 */
export function registerWasmKernels(names?: readonly string[]): void {
  registerKernels('wasm', WASM_KERNELS, names ? { only: names } : {});
}

/** Puts tfjs's own wasm kernels back (and removes the ones it lacks): for benchmarks and tests that compare. */
export function unregisterWasmKernels(names?: readonly string[]): void {
  unregisterKernels('wasm', WASM_KERNELS, names ? { only: names } : {});
}
