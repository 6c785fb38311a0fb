import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from '../tf.js';
import { registerWasmKernels } from './wasm-kernels/index.js';
import { wrapWasmKernelsForThreads } from './wasm-kernels/parallel-work.js';
import { createThreadedWasmBackend, wantedWasmThreads } from './wasm-threads.js';

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

/**
 * Registers tfjs's wasm backend with its binaries read from node_modules (by default tfjs would fetch them relative
 * to the script URL, which fails offline and under bundlers), and with XNNPACK threads: one per core, or
 * TRAINKIT_WASM_THREADS (see wasm-threads.ts). Should the threaded build fail to start, tfjs's own single-threaded
 * setup runs instead and wasmSetup() says why.
 */
export async function loadWasm(): Promise<void> {
  if (registered) return;
  if (process.env.TRAINKIT_DISABLE_WASM === '1')
    throw new Error('@tensorflow/tfjs-backend-wasm: disabled by TRAINKIT_DISABLE_WASM=1');
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch {
    throw new Error('@tensorflow/tfjs-backend-wasm: not installed');
  }
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
  // An instance someone else already initialised keeps its setup; replacing it would dispose its tensors.
  if (threads > 1 && !tf.findBackend('wasm')) {
    tf.removeBackend('wasm');
    tf.registerBackend(
      'wasm',
      async () => {
        try {
          const { backend, poolFor } = await createThreadedWasmBackend(threads);
          setup = { threads, poolFor };
          return backend;
        } catch (err) {
          const backend = await stock();
          setup = { threads: wasm.getThreadsCount(), singleThreadReason: (err as Error).message };
          return backend;
        }
      },
      2,
    );
  } else {
    setup = {
      threads: 1,
      ...(threads > 1 ? { singleThreadReason: 'the wasm backend was initialised before trainkit loaded it' } : {}),
    };
  }
  // Before the backend initialises, so that the stock setup functions our wrappers keep still run.
  registerWasmKernels();
  wrapWasmKernelsForThreads();
  registered = true;
}
