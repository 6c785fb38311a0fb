import { tf } from '../../tf.js';
import { ADAM_UPDATE, adamUpdateKernel } from './adam-update-kernel.js';
import { SGD_UPDATE, sgdUpdateKernel } from './sgd-update-kernel.js';

// Not wasm: there the stock XNNPACK elementwise kernels, 13 of them per Adam update, still beat one JavaScript loop
// over the heap (1.4 ms against 3 ms for a 250×784 weight, tools/bench/README.md).
const BACKENDS = ['cpu'] as const;
const KERNELS: [string, (b: 'cpu' | 'wasm') => tf.KernelFunc][] = [
  [ADAM_UPDATE, adamUpdateKernel],
  [SGD_UPDATE, sgdUpdateKernel],
];

let registered = false;
let enabled = true;

/** Registers the fused optimizer kernels for the backends whose memory JavaScript addresses (idempotent). */
function register(): void {
  if (registered) return;
  for (const [name, make] of KERNELS) {
    for (const backendName of BACKENDS) {
      // a second copy of trainkit in the process (ESM and CJS side by side) registered them already
      if (tf.getKernel(name, backendName)) continue;
      tf.registerKernel({ kernelName: name, backendName, kernelFunc: make(backendName) });
    }
  }
  registered = true;
}

/**
 * Switches the fused optimizer kernels off (false) or back on, so that tests and benchmarks can compare them with the
 * op-by-op updates they replace. Returns the previous setting.
 */
export function useFusedOptimizerKernels(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/** Runs a fused optimizer kernel, or returns undefined where the current backend has none (then use tf ops). */
export function runFusedUpdate(
  name: typeof ADAM_UPDATE | typeof SGD_UPDATE,
  inputs: Record<string, tf.Tensor>,
  attrs: object,
): tf.Tensor[] | undefined {
  if (!enabled) return undefined;
  register();
  if (!tf.getKernel(name, tf.getBackend())) return undefined;
  if (Object.values(inputs).some((t) => t.dtype !== 'float32')) return undefined;
  return tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
