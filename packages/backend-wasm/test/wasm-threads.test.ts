// The wasm backend's XNNPACK threads in Node (src/backend/wasm-threads.ts): a shim written for one
// tfjs-backend-wasm release, so these tests check that it still engages, computes what the single-threaded build
// computes, and lets Node exit. Each case runs in a child process: the backend is set up once per process.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tf } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { worthThreads } from '../src/kernels/parallel-work.js';
import { WASM_THREADS_PINNED_VERSION, wantedWasmThreads } from '../src/wasm-threads.js';

interface ChildResult {
  name: string;
  threads: number;
  poolFor?: string;
  tfjsThreads: number;
  singleThreadReason?: string;
  line: string;
  sum: number;
  cpuSum: number;
}

function child(env: Record<string, string>): ChildResult {
  const src = new URL('../../core/src/index.ts', import.meta.url).pathname;
  const script = `
    import { backendInfo, describeBackend, tf, useBackend } from '${src}';
    import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
    const conv = () => tf.tidy(() => {
      const x = tf.randomUniform([4, 17, 15, 8], -1, 1, 'float32', 1);
      const f = tf.randomUniform([5, 3, 8, 16], -1, 1, 'float32', 2);
      const y = tf.conv2d(x, f, [2, 1], 'same');
      // weight each output by its position, so that a misplaced value changes the sum
      return tf.sum(tf.mul(y, tf.range(1, y.size + 1).reshape(y.shape))).dataSync()[0];
    });
    const cpuSum = conv();
    const info = await useBackend('wasm');
    const sum = conv();
    console.log(JSON.stringify({ name: info.name, threads: info.threads, poolFor: info.poolFor, tfjsThreads: getThreadsCount(),
      singleThreadReason: info.singleThreadReason, line: describeBackend(), sum, cpuSum }));
  `;
  // no process.exit in the script: the child exits on its own only if the pool's workers let go of the event loop
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TRAINKIT_BACKEND: '', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

describe('wasm threads', () => {
  it(`is pinned to the installed tfjs-backend-wasm (${WASM_THREADS_PINNED_VERSION}); re-check the shim on upgrade`, () => {
    const require = createRequire(import.meta.url);
    const { version_wasm } = require('@tensorflow/tfjs-backend-wasm') as { version_wasm: string };
    expect(version_wasm).toBe(WASM_THREADS_PINNED_VERSION);
  });

  it('engages with TRAINKIT_WASM_THREADS=2: XNNPACK gets 2 threads, the numbers are the cpu backend’s, Node exits', () => {
    const r = child({ TRAINKIT_WASM_THREADS: '2' });
    // 'large ops': the pool switch found the pool pointer of the pinned binary, so small kernels skip the pool
    expect(r).toMatchObject({ name: 'wasm', threads: 2, tfjsThreads: 2, poolFor: 'large ops' });
    expect(r.singleThreadReason).toBeUndefined();
    expect(r.line).toContain('2 threads');
    expect(Math.abs(r.sum - r.cpuSum)).toBeLessThanOrEqual(1e-4 * Math.abs(r.cpuSum));
  });

  it('TRAINKIT_WASM_THREADS=1 keeps tfjs’s own single-threaded setup', () => {
    const r = child({ TRAINKIT_WASM_THREADS: '1' });
    expect(r).toMatchObject({ name: 'wasm', threads: 1, tfjsThreads: 1 });
    expect(r.singleThreadReason).toBeUndefined();
    expect(r.poolFor).toBeUndefined();
    expect(Math.abs(r.sum - r.cpuSum)).toBeLessThanOrEqual(1e-4 * Math.abs(r.cpuSum));
  });

  it('defaults to one thread per core (at most 8) and rejects a bad TRAINKIT_WASM_THREADS', () => {
    expect(wantedWasmThreads({})).toBeGreaterThanOrEqual(1);
    expect(wantedWasmThreads({})).toBeLessThanOrEqual(8);
    expect(wantedWasmThreads({ TRAINKIT_WASM_THREADS: '3' })).toBe(3);
    expect(wantedWasmThreads({ TRAINKIT_WASM_THREADS: '64' })).toBe(8);
    expect(() => wantedWasmThreads({ TRAINKIT_WASM_THREADS: 'two' })).toThrow(
      "TRAINKIT_WASM_THREADS='two' is not a thread count; expected a positive integer",
    );
  });

  it('hands only large kernels to the pool: convolutions and products by multiply-adds, the rest by size', () => {
    const t = (shape: number[]) => ({ dataId: {}, shape, dtype: 'float32' }) as tf.TensorInfo;
    // the CIFAR net's first convolution: 64·32·32·3 inputs × 5·5·32 taps per input channel
    expect(worthThreads(tf.Conv2D, { x: t([64, 32, 32, 3]), filter: t([5, 5, 3, 32]) })).toBe(true);
    expect(worthThreads(tf.Conv2D, { x: t([1, 8, 8, 3]), filter: t([3, 3, 3, 4]) })).toBe(false);
    // the MNIST MLP's first layer (64×784 by 784×250), and its last (64×100 by 100×10)
    expect(worthThreads(tf.BatchMatMul, { a: t([64, 784]), b: t([784, 250]) })).toBe(true);
    expect(worthThreads(tf.BatchMatMul, { a: t([64, 100]), b: t([100, 10]) })).toBe(false);
    expect(worthThreads(tf.Add, { a: t([64, 32, 32, 32]), b: t([32]) })).toBe(true);
    expect(worthThreads(tf.Relu, { x: t([64, 250]) })).toBe(false);
  });
});
