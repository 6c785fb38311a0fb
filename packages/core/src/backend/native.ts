import { tf } from '../tf.js';
import { type BackendPackage, loadBackendPackage } from './backend-package.js';

const PKG = '@trainkit/backend-native';

interface NativeModule {
  nativeStatus(): { available: boolean; reason: string };
  registerNativeBackend(): void;
}

/**
 * Registers the oneDNN backend 'native' from the optional package @trainkit/backend-native; an app that imported it
 * and called registerNativeBackend has registered it already.
 */
export async function loadNative(): Promise<void> {
  if (process.env.TRAINKIT_DISABLE_NATIVE !== '1' && tf.findBackendFactory('native')) return;
  await loadBackendPackage(PKG, {
    disabledBy: 'TRAINKIT_DISABLE_NATIVE',
    open: (module): BackendPackage => {
      const m = module as NativeModule;
      return { status: () => m.nativeStatus(), register: () => m.registerNativeBackend() };
    },
  });
}
