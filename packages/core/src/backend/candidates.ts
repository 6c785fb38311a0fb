import { createRequire } from 'node:module';
import { registerCpuKernels } from '../kernels/cpu-kernels.js';
import { tf } from '../tf.js';
import type { ConcreteBackend } from './backend-name.js';
import type { BackendThreads } from './backend-package.js';
import { loadNative } from './native.js';
import { loadWasm, wasmThreads } from './wasm.js';

/**
 * Everything trainkit knows about one backend: how to load it, what tfjs calls it once registered,
 * and what to tell a user who asked for it and does not have it. This list is the single place where a new
 * backend (a native one, say) slots in; 'auto' walks it in order.
 */
export interface BackendCandidate {
  name: ConcreteBackend;
  /** the name tfjs registers it under */
  tfName: string;
  installHint: string;
  /** Registers the backend with tfjs, or throws with the reason it cannot. */
  load(): Promise<void>;
  /** After it initialised: the threads its kernels run on, and why fewer than wanted, where trainkit decides that. */
  threads?(): BackendThreads | undefined;
}

async function importOptional(pkg: string): Promise<void> {
  // Resolve first so that "not installed" is told apart from "installed but broken" (a missing libtensorflow).
  const require = createRequire(import.meta.url);
  try {
    require.resolve(pkg);
  } catch {
    throw new Error(`${pkg}: not installed`);
  }
  try {
    require(pkg);
  } catch (err) {
    throw new Error(`${pkg}: failed to load (${String((err as Error).message).split('\n')[0]})`);
  }
}

export const candidates: readonly BackendCandidate[] = [
  {
    name: 'tensorflow-gpu',
    tfName: 'tensorflow',
    installHint:
      'install it with `pnpm add @tensorflow/tfjs-node-gpu` (needs CUDA 11.2 + cuDNN 8.1 and network access to download libtensorflow at install time)',
    load: async () => {
      await importOptional('@tensorflow/tfjs-node-gpu');
    },
  },
  {
    name: 'tensorflow',
    tfName: 'tensorflow',
    installHint:
      'install it with `pnpm add @tensorflow/tfjs-node` (its install script downloads libtensorflow, so it needs network access)',
    load: async () => {
      await importOptional('@tensorflow/tfjs-node');
    },
  },
  {
    name: 'native',
    tfName: 'native',
    installHint:
      "list @trainkit/backend-native in your app's optionalDependencies; its install builds a oneDNN addon offline (needs libdnnl-dev)",
    load: loadNative,
  },
  {
    name: 'wasm',
    tfName: 'wasm',
    installHint:
      "list @trainkit/backend-wasm in your app's dependencies (it brings @tensorflow/tfjs-backend-wasm and its .wasm files)",
    load: loadWasm,
    threads: wasmThreads,
  },
  {
    name: 'cpu',
    tfName: 'cpu',
    installHint: 'the cpu backend ships with @tensorflow/tfjs; reinstall @trainkit/core',
    load: async () => {
      if (!tf.findBackendFactory('cpu')) throw new Error('@tensorflow/tfjs: cpu backend not registered');
      registerCpuKernels();
    },
  },
];
