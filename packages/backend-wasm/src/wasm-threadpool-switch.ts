import { createHash } from 'node:crypto';

/**
 * tfjs-backend-wasm 4.22's threaded binary, by content, and where in its memory it keeps the XNNPACK thread pool
 * (the C++ global `tfjs::backend::threadpool`, read by every kernel when it runs an operator and by
 * `get_threads_count`, which answers −1 while it is null).
 */
const THREADED_BINARY_SHA256 = 'c052228d4bef185c27bbe59a9e029570c78bbb9f08b3cb46b597851650373de2';
const THREADPOOL_POINTER = 23564;

/** Runs kernels with the thread pool; outside `withPool` the pool pointer is null and kernels run on one thread. */
export interface ThreadpoolSwitch {
  withPool<T>(fn: () => T): T;
}

let active: ThreadpoolSwitch | undefined;

/** The switch of the threaded wasm backend in use, if it has one. */
export function activeThreadpoolSwitch(): ThreadpoolSwitch | undefined {
  return active;
}

/**
 * Takes the thread pool away from every kernel but the ones run inside `withPool`. XNNPACK hands each operator to the
 * pool however small it is, and every hand-over waits for a worker to wake: on the 2-core VM that made the MNIST
 * MLP's inference 3.7× slower with 2 threads than with one. Checks that the binary is the one this was written for
 * and that the pointer is the pool (get_threads_count answers −1 without it), else throws and leaves it as it was.
 */
export function installThreadpoolSwitch(
  binary: Uint8Array,
  memory: { buffer: ArrayBufferLike },
  getThreadsCount: () => number,
  threads: number,
): ThreadpoolSwitch {
  const hash = createHash('sha256').update(binary).digest('hex');
  if (hash !== THREADED_BINARY_SHA256) {
    throw new Error(`the threaded wasm binary is not tfjs-backend-wasm 4.22's (sha256 ${hash.slice(0, 12)}…)`);
  }
  // a shared memory's buffer is never detached when it grows, so this view stays valid
  const slot = new Int32Array(memory.buffer, THREADPOOL_POINTER, 1);
  const pool = slot[0]!;
  slot[0] = 0;
  const without = getThreadsCount();
  slot[0] = pool;
  if (pool === 0 || without !== -1 || getThreadsCount() !== threads) {
    throw new Error('the thread pool is not where tfjs-backend-wasm 4.22 keeps it');
  }
  slot[0] = 0;
  let depth = 0;
  active = {
    withPool(fn) {
      if (depth++ === 0) slot[0] = pool;
      try {
        return fn();
      } finally {
        if (--depth === 0) slot[0] = 0;
      }
    },
  };
  return active;
}
