import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tf } from '../tf.js';

const PKG = '@trainkit/backend-native';

interface NativePackage {
  nativeStatus(): { available: boolean; reason: string };
  registerNativeBackend(): void;
}

/**
 * Registers the oneDNN backend 'native' from the optional package @trainkit/backend-native. Core does not depend
 * on it (it depends on core), so it is looked up from core, from the app's directory and from the main script;
 * an app that imported it already has registered it.
 */
export async function loadNative(): Promise<void> {
  if (process.env.TRAINKIT_DISABLE_NATIVE === '1') throw new Error(`${PKG}: disabled by TRAINKIT_DISABLE_NATIVE=1`);
  if (tf.findBackendFactory('native')) return;
  const bases = [import.meta.url, join(process.cwd(), 'index.js'), process.argv[1]].filter((b): b is string => !!b);
  let entry: string | undefined;
  for (const base of bases) {
    try {
      entry = createRequire(base).resolve(PKG);
      break;
    } catch {
      // not reachable from this base
    }
  }
  if (!entry) throw new Error(`${PKG}: not installed`);
  let pkg: NativePackage;
  try {
    pkg = (await import(pathToFileURL(entry).href)) as NativePackage;
  } catch (err) {
    throw new Error(`${PKG}: failed to load (${String((err as Error).message).split('\n')[0]})`);
  }
  const status = pkg.nativeStatus();
  if (!status.available) throw new Error(`${PKG}: ${status.reason}`);
  pkg.registerNativeBackend();
}
