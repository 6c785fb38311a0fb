import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type BackendPackage, provideBackendPackage, tf } from '@trainkit/core';
import { registerKernels } from '@trainkit/core/kernels';
import { deferTransposesOn, deferWasmTransposes } from './deferred-transpose.js';
import { wrapWasmKernelsForThreads } from './kernels/parallel-work.js';
import { registerWasmKernels } from './kernels/register-wasm-kernels.js';
import type { WasmBackend } from './kernels/wasm-kernel-call.js';
import { WASM_OPTIMIZER_KERNELS } from './optim/wasm-optimizer-kernels.js';
import { withoutAddedProcessHandlers } from './process-handlers.js';
import { createThreadedWasmBackend, wantedWasmThreads } from './wasm-threads.js';

const PKG = '@trainkit/backend-wasm';

let registered = false;

/** How the wasm backend was set up: its XNNPACK thread count, and why it has one thread where it has. */
export interface WasmSetup {
  threads: number;
  /** set when threads were wanted and the threaded build could not be used */
  singleThreadReason?: string;
  /** with threads: which kernels use them ('large ops', or 'every op (why)') */
  poolFor?: string;
}

let setup: WasmSetup | undefined;

/** The wasm backend's thread count once it has initialised (undefined before). */
export function wasmSetup(): WasmSetup | undefined {
  return setup;
}

/** Whether tfjs-backend-wasm and its binaries can be found from here. */
export function wasmStatus(): { available: boolean; reason: string } {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    return { available: true, reason: '' };
  } catch {
    return { available: false, reason: '@tensorflow/tfjs-backend-wasm is not installed' };
  }
}

/**
 * Registers tfjs's wasm backend with its binaries read from node_modules (by default tfjs would fetch them relative
 * to the script URL, which fails offline and under bundlers), with XNNPACK threads: one per core, or
 * TRAINKIT_WASM_THREADS (see wasm-threads.ts), and with trainkit's kernels. Should the threaded build fail to start,
 * tfjs's own single-threaded setup runs instead and wasmSetup() says why. Hands core this package, so that
 * useBackend('wasm') (and 'auto') takes it as registered.
 */
export async function registerWasmBackend(): Promise<void> {
  provideBackendPackage(PKG, wasmBackendPackage);
  if (registered) return;
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const distDir = dirname(entry);
  // Emscripten in Node reads these with fs; a plain path (not a URL) is what it expects.
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': join(distDir, 'tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': join(distDir, 'tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': join(distDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
  });
  const stock = tf.findBackendFactory('wasm');
  if (!stock) throw new Error('@tensorflow/tfjs-backend-wasm: did not register with tfjs');
  const threads = wantedWasmThreads();
  // the instance, if one was initialised already (tf.findBackend would start initialising the stock one)
  const existing = (tf.engine() as unknown as { registry: Record<string, WasmBackend | undefined> }).registry.wasm;
  if (existing) {
    // An instance someone else already initialised keeps its setup; replacing it would dispose its tensors.
    setup = {
      threads: 1,
      ...(threads > 1 ? { singleThreadReason: 'the wasm backend was initialised before trainkit loaded it' } : {}),
    };
    deferTransposesOn(existing);
  } else {
    tf.removeBackend('wasm');
    tf.registerBackend(
      'wasm',
      () =>
        withoutAddedProcessHandlers(async () => {
          if (threads <= 1) {
            setup = { threads: 1 };
            return deferTransposesOn((await stock()) as WasmBackend);
          }
          try {
            const { backend, poolFor } = await createThreadedWasmBackend(threads);
            setup = { threads, poolFor };
            return deferTransposesOn(backend as WasmBackend);
          } catch (err) {
            const backend = await stock();
            setup = { threads: wasm.getThreadsCount(), singleThreadReason: (err as Error).message };
            return deferTransposesOn(backend as WasmBackend);
          }
        }),
      2,
    );
  }
  // Before the backend initialises, so that the stock setup functions our wrappers keep still run.
  registerWasmKernels();
  registerKernels('wasm', WASM_OPTIMIZER_KERNELS);
  wrapWasmKernelsForThreads();
  deferWasmTransposes();
  registered = true;
}

/** This package as core's useBackend drives it (backend/backend-package.ts in @trainkit/core). */
export const wasmBackendPackage: BackendPackage = {
  status: wasmStatus,
  register: registerWasmBackend,
  threads: () => setup,
};
