import {
  type BackendPackage,
  type BackendThreads,
  loadBackendPackage,
  providedBackendPackage,
} from './backend-package.js';

const PKG = '@trainkit/backend-wasm';

/**
 * Registers tfjs's wasm backend, with trainkit's kernels and XNNPACK threads, from the optional package
 * @trainkit/backend-wasm (its `wasmBackendPackage`).
 */
export async function loadWasm(): Promise<void> {
  await loadBackendPackage(PKG, {
    disabledBy: 'TRAINKIT_DISABLE_WASM',
    open: (module) => (module as { wasmBackendPackage: BackendPackage }).wasmBackendPackage,
  });
}

/** The wasm backend's threads once it has initialised (undefined before). */
export function wasmThreads(): BackendThreads | undefined {
  return providedBackendPackage(PKG)?.threads?.();
}
