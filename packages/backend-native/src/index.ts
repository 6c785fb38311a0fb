/**
 * trainkit's optional native backend: tfjs's cpu data model with oneDNN kernels for the hot ops, built with node-gyp
 * where libdnnl-dev is installed. Core finds it at run time.
 *
 * @module @trainkit/backend-native
 */
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
