import { tf } from '../../tf.js';
import { ADAM_UPDATE, adamUpdateKernel } from './adam-update-kernel.js';
import { SGD_UPDATE, sgdUpdateKernel } from './sgd-update-kernel.js';
import { wasmAdamUpdate, wasmSgdUpdate } from './wasm/wasm-optimizer-kernels.js';

// cpu: JavaScript loops over the typed arrays. wasm: SIMD loops over the heap (wasm/optimizer-update.wat); a
// JavaScript loop there lost to the stock elementwise kernels it replaces (3 ms against 1.4 ms for a 250×784 Adam
// update), the SIMD pass takes about 0.3 ms.
const KERNELS: [string, 'cpu' | 'wasm', tf.KernelFunc][] = [
  [ADAM_UPDATE, 'cpu', adamUpdateKernel],
  [SGD_UPDATE, 'cpu', sgdUpdateKernel],
  [ADAM_UPDATE, 'wasm', wasmAdamUpdate],
  [SGD_UPDATE, 'wasm', wasmSgdUpdate],
];

let registered = false;
let enabled = true;

/** Registers the fused optimizer kernels for the cpu and wasm backends (idempotent). */
function register(): void {
  if (registered) return;
  for (const [name, backendName, kernelFunc] of KERNELS) {
    // a second copy of trainkit in the process (ESM and CJS side by side) registered them already
    if (tf.getKernel(name, backendName)) continue;
    tf.registerKernel({ kernelName: name, backendName, kernelFunc });
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
