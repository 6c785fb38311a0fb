/**
 * trainkit's wasm backend: tfjs-backend-wasm with its binaries read offline, XNNPACK threads in Node, and the
 * gradient and optimizer kernels tfjs-backend-wasm lacks. Core finds it at run time.
 *
 * @module @trainkit/backend-wasm
 */
export {
  registeredWasmKernels,
  registerWasmKernels,
  unregisterWasmKernels,
  WASM_KERNELS,
} from './kernels/register-wasm-kernels.js';
export { WASM_OPTIMIZER_KERNELS } from './optim/wasm-optimizer-kernels.js';
export { registerWasmBackend, type WasmSetup, wasmBackendPackage, wasmSetup, wasmStatus } from './wasm-backend.js';
export { WASM_THREADS_PINNED_VERSION, wantedWasmThreads } from './wasm-threads.js';
