import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from '../tf.js';
import { registerWasmKernels } from './wasm-kernels/index.js';

let registered = false;

/**
 * Registers tfjs's wasm backend with its binaries read from node_modules: by default tfjs would fetch them
 * relative to the script URL, which fails offline and under bundlers.
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
  if (!tf.findBackendFactory('wasm')) throw new Error('@tensorflow/tfjs-backend-wasm: did not register with tfjs');
  // Before the backend initialises, so that the stock setup functions our wrappers keep still run.
  registerWasmKernels();
  registered = true;
}
