import { CONV2D_BIAS } from '../../nn/functional/conv2d-bias.js';
import { tf } from '../../tf.js';
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

/** One trainkit kernel for the wasm backend; `make` gets the stock kernel it replaces, if tfjs registered one. */
interface WasmKernel {
  name: string;
  /**
   * 'missing': tfjs-backend-wasm 4.22 has none (or it is trainkit's own), and a later tfjs that brings one keeps its
   * own. 'replace': ours wins.
   */
  role: 'missing' | 'replace';
  make(stock: tf.KernelConfig | undefined): tf.KernelFunc;
}

const requireStock = (name: string, stock: tf.KernelConfig | undefined): tf.KernelConfig => {
  if (!stock)
    throw new Error(`wasm kernels: '${name}' must be registered by tfjs-backend-wasm before trainkit wraps it`);
  return stock;
};

export const WASM_KERNELS: readonly WasmKernel[] = [
  { name: tf.Conv2DBackpropFilter, role: 'missing', make: () => conv2DBackpropFilter },
  { name: tf.DepthwiseConv2dNativeBackpropFilter, role: 'missing', make: () => depthwiseConv2dNativeBackpropFilter },
  { name: tf.DepthwiseConv2dNativeBackpropInput, role: 'missing', make: () => depthwiseConv2dNativeBackpropInput },
  { name: tf.UnsortedSegmentSum, role: 'missing', make: () => unsortedSegmentSum },
  { name: CONV2D_BIAS, role: 'missing', make: () => conv2dBias },
  { name: tf.Conv2DBackpropInput, role: 'replace', make: () => conv2DBackpropInput },
  { name: tf.MaxPoolGrad, role: 'replace', make: () => maxPoolGrad },
  { name: tf.AvgPoolGrad, role: 'replace', make: () => avgPoolGrad },
  { name: tf.Identity, role: 'replace', make: () => identity },
  { name: tf.BatchMatMul, role: 'replace', make: (stock) => makeBatchMatMul(requireStock(tf.BatchMatMul, stock)) },
  { name: tf._FusedMatMul, role: 'replace', make: (stock) => makeFusedMatMul(requireStock(tf._FusedMatMul, stock)) },
  { name: tf.Sum, role: 'replace', make: (stock) => makeLeadingAxesReduce(requireStock(tf.Sum, stock), 'sum') },
  { name: tf.Mean, role: 'replace', make: (stock) => makeLeadingAxesReduce(requireStock(tf.Mean, stock), 'mean') },
  { name: tf.MaxPool, role: 'replace', make: (stock) => makeNumericPadding(requireStock(tf.MaxPool, stock), 'pool') },
  { name: tf.AvgPool, role: 'replace', make: (stock) => makeNumericPadding(requireStock(tf.AvgPool, stock), 'pool') },
  { name: tf.Conv2D, role: 'replace', make: (stock) => makeNumericPadding(requireStock(tf.Conv2D, stock), 'conv') },
  {
    name: tf.DepthwiseConv2dNative,
    role: 'replace',
    make: (stock) => makeNumericPadding(requireStock(tf.DepthwiseConv2dNative, stock), 'depthwise'),
  },
];

// Marks our configs, so a second copy of trainkit in the process (ESM and CJS builds side by side) leaves them be.
const MARK = Symbol.for('trainkit.wasmKernel');
type Marked = tf.KernelConfig & { [MARK]?: { stock: tf.KernelConfig | undefined } };

/** The names of the trainkit kernels registered for 'wasm' right now. */
export function registeredWasmKernels(): string[] {
  return WASM_KERNELS.filter((k) => (tf.getKernel(k.name, 'wasm') as Marked | undefined)?.[MARK]).map((k) => k.name);
}

/**
 * Registers trainkit's gradient kernels for tfjs's 'wasm' backend (all of them, or the named ones): the ones
 * tfjs-backend-wasm 4.22 lacks, without which conv nets and embeddings cannot train on it, and faster ones for stock
 * kernels that are pathologically slow. Idempotent and silent. A replaced kernel keeps the stock setupFunc, which
 * the wasm backend runs at initialisation and the wrapped stock kernel still needs.
 */
export function registerWasmKernels(names?: readonly string[]): void {
  for (const k of WASM_KERNELS) {
    if (names && !names.includes(k.name)) continue;
    const existing = tf.getKernel(k.name, 'wasm') as Marked | undefined;
    if (existing?.[MARK]) continue;
    if (existing && k.role === 'missing') continue;
    if (existing) tf.unregisterKernel(k.name, 'wasm');
    const config: Marked = {
      kernelName: k.name,
      backendName: 'wasm',
      kernelFunc: k.make(existing),
      ...(existing?.setupFunc ? { setupFunc: existing.setupFunc } : {}),
      ...(existing?.disposeFunc ? { disposeFunc: existing.disposeFunc } : {}),
      [MARK]: { stock: existing },
    };
    tf.registerKernel(config);
  }
}

/** Puts tfjs's own wasm kernels back (and removes the ones it lacks): for benchmarks and tests that compare. */
export function unregisterWasmKernels(names?: readonly string[]): void {
  for (const k of WASM_KERNELS) {
    if (names && !names.includes(k.name)) continue;
    const ours = tf.getKernel(k.name, 'wasm') as Marked | undefined;
    const mark = ours?.[MARK];
    if (!mark) continue;
    tf.unregisterKernel(k.name, 'wasm');
    if (mark.stock) tf.registerKernel(mark.stock);
  }
}
