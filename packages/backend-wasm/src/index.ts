export {
  registeredWasmKernels,
  registerWasmKernels,
  unregisterWasmKernels,
  WASM_KERNELS,
} from './kernels/register-wasm-kernels.js';
export { WASM_OPTIMIZER_KERNELS } from './optim/wasm-optimizer-kernels.js';
export { registerWasmBackend, type WasmSetup, wasmBackendPackage, wasmSetup, wasmStatus } from './wasm-backend.js';
export { WASM_THREADS_PINNED_VERSION, wantedWasmThreads } from './wasm-threads.js';
