export {
  registeredWasmKernels,
  registerWasmKernels,
  unregisterWasmKernels,
  WASM_KERNELS,
} from './register-wasm-kernels.js';
