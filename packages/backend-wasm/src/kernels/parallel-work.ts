import { tf } from '@trainkit/core';
import { CONV2D_BIAS } from '@trainkit/core/kernels';
import { activeThreadpoolSwitch } from '../wasm-threadpool-switch.js';

/**
 * Work below which a kernel runs on the calling thread alone: handing an operator to the pool costs a worker
 * wake-up (tens of µs on an idle core, up to a millisecond on a busy 2-core machine), which only pays for itself on
 * operators that run for a few hundred µs. Multiply-adds for convolutions and products, elements otherwise.
 */
const MIN_MULTIPLY_ADDS = 2_000_000;
const MIN_ELEMENTS = 262_144;

const size = (t: tf.TensorInfo | undefined) => (t ? t.shape.reduce((a, d) => a * d, 1) : 0);

/** Whether a kernel call is big enough for the thread pool. */
export function worthThreads(kernelName: string, inputs: tf.NamedTensorInfoMap): boolean {
  switch (kernelName) {
    case tf.Conv2D:
    case tf.FusedConv2D:
    case CONV2D_BIAS:
    case tf.DepthwiseConv2dNative:
    case tf.FusedDepthwiseConv2D: {
      const { x, filter } = inputs as { x?: tf.TensorInfo; filter?: tf.TensorInfo };
      // an upper bound (the output is at most the input's spatial size per filter tap), exact enough to choose
      return size(x) * (filter ? size(filter) / (filter.shape[2] ?? 1) : 1) >= MIN_MULTIPLY_ADDS;
    }
    case tf.BatchMatMul:
    case tf._FusedMatMul: {
      const { a, b } = inputs as { a?: tf.TensorInfo; b?: tf.TensorInfo };
      const k = a?.shape.at(-1) ?? 1;
      return (size(a) * size(b)) / Math.max(k, 1) >= MIN_MULTIPLY_ADDS;
    }
    default:
      return Object.values(inputs).some((t) => size(t as tf.TensorInfo) >= MIN_ELEMENTS);
  }
}

const WRAPPED = Symbol.for('trainkit.parallelWork');

/**
 * Makes every kernel registered for 'wasm' run with the thread pool only when worthThreads says so (a no-op wherever
 * the backend has no pool switch: one thread, or a binary the switch does not know). Idempotent.
 */
export function wrapWasmKernelsForThreads(): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    const marked = config as tf.KernelConfig & { [WRAPPED]?: true };
    if (marked[WRAPPED]) continue;
    const run = config.kernelFunc;
    const name = config.kernelName;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const pool = activeThreadpoolSwitch();
        return pool && worthThreads(name, args.inputs) ? pool.withPool(() => run(args)) : run(args);
      },
      [WRAPPED]: true,
    } as tf.KernelConfig);
  }
}
