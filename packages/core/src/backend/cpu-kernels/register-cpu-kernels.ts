import { tf } from '../../tf.js';
import { makeConv2DBackpropFilter } from './conv2d-backprop-filter.js';

/** One trainkit kernel for tfjs's 'cpu' backend, made from the stock kernel it replaces (its fallback). */
interface CpuKernel {
  name: string;
  make(stock: tf.KernelConfig): tf.KernelFunc;
}

export const CPU_KERNELS: readonly CpuKernel[] = [{ name: tf.Conv2DBackpropFilter, make: makeConv2DBackpropFilter }];

// Marks our configs, so that a second copy of trainkit in the process (ESM and CJS side by side) leaves them be.
const MARK = Symbol.for('trainkit.cpuKernel');
type Marked = tf.KernelConfig & { [MARK]?: { stock: tf.KernelConfig } };

/** The names of the trainkit kernels registered for 'cpu' right now. */
export function registeredCpuKernels(): string[] {
  return CPU_KERNELS.filter((k) => (tf.getKernel(k.name, 'cpu') as Marked | undefined)?.[MARK]).map((k) => k.name);
}

/**
 * Replaces tfjs-backend-cpu kernels that make training impractically slow (idempotent, silent). Each keeps the stock
 * kernel for the cases it does not handle.
 */
export function registerCpuKernels(): void {
  for (const k of CPU_KERNELS) {
    const existing = tf.getKernel(k.name, 'cpu') as Marked | undefined;
    if (!existing || existing[MARK]) continue;
    tf.unregisterKernel(k.name, 'cpu');
    const config: Marked = {
      ...existing,
      kernelFunc: k.make(existing),
      [MARK]: { stock: existing },
    };
    tf.registerKernel(config);
  }
}

/** Puts tfjs's own cpu kernels back: for tests and benchmarks that compare. */
export function unregisterCpuKernels(): void {
  for (const k of CPU_KERNELS) {
    const mark = (tf.getKernel(k.name, 'cpu') as Marked | undefined)?.[MARK];
    if (!mark) continue;
    tf.unregisterKernel(k.name, 'cpu');
    tf.registerKernel(mark.stock);
  }
}
