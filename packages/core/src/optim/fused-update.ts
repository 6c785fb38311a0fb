import { adamUpdateCpuKernel, adamUpdateOp } from '../kernels/adam-update.js';
import type { KernelDef } from '../kernels/define-kernel.js';
import { type BackendKernel, registerKernels } from '../kernels/register-kernels.js';
import { sgdUpdateCpuKernel, sgdUpdateOp } from '../kernels/sgd-update.js';
import type { tf } from '../tf.js';

// cpu: JavaScript loops over the typed arrays, registered here on first use. Other backends register their own
// with the backend (@trainkit/backend-wasm: SIMD loops over the heap; @trainkit/backend-native: the addon).
const CPU_OPTIMIZER_KERNELS: readonly BackendKernel[] = [
  { name: adamUpdateOp.name, role: 'missing', kernelFunc: adamUpdateCpuKernel },
  { name: sgdUpdateOp.name, role: 'missing', kernelFunc: sgdUpdateCpuKernel },
];

let registered = false;
let enabled = true;

/**
 * Switches the fused optimizer kernels off (false) or back on, so that tests and benchmarks can compare them with the
 * op-by-op updates they replace. Returns the previous setting.
 */
export function useFusedOptimizerKernels(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/**
 * Runs an optimizer's fused kernel on one parameter, or returns undefined where it cannot (switched off, no kernel on
 * the current backend, a tensor that is not float32): the caller then runs the same formula op by op.
 */
export function fusedUpdate<Inputs extends string, Attrs>(
  op: KernelDef<Inputs, Attrs>,
  inputs: { [K in Inputs]?: tf.Tensor },
  attrs: Attrs,
): tf.Tensor[] | undefined {
  if (!enabled) return undefined;
  if (!registered) {
    registerKernels('cpu', CPU_OPTIMIZER_KERNELS);
    registered = true;
  }
  if (!op.has()) return undefined;
  if (Object.values<tf.Tensor | undefined>(inputs).some((t) => t !== undefined && t.dtype !== 'float32')) {
    return undefined;
  }
  return op.run(inputs, attrs);
}
