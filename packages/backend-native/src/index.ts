export {
  type ConvParams,
  NATIVE_BUILD_COMMAND,
  type NativeAddon,
  type NativeStatus,
  nativeAddon,
  nativeStatus,
} from './addon.js';
export { NATIVE_BACKEND, NATIVE_KERNELS, registerNativeBackend } from './backend.js';
export type { BufferStore } from './buffer-store.js';
export { kernelCounts } from './kernels/util.js';
export { NativeBackend } from './native-backend.js';
