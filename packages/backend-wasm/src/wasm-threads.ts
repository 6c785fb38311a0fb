import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { installThreadpoolSwitch } from './wasm-threadpool-switch.js';

/**
 * The one tfjs-backend-wasm release this shim was written against. Everything it touches beyond the package's public
 * API (the Emscripten glue and worker files in wasm-out/, the C exports BackendWasm wraps, the pool that the C++
 * sizes from the core count) is checked against this version; any other version runs tfjs's own single-threaded
 * setup, and test/wasm-threads.test.ts fails until the shim is looked at again.
 */
export const WASM_THREADS_PINNED_VERSION = '4.22.0';

/** The most threads the shim asks for: the threaded build pre-creates 8 pthread workers and its C++ caps there. */
const MAX_THREADS = 8;

type PthreadWorker = { unref(): void; loaded?: boolean; runPthread?: () => void };
type WasmModule = {
  cwrap: (name: string, ret: string | null, args: string[]) => (...a: number[]) => unknown;
  PThread?: { runningWorkers?: PthreadWorker[]; unusedWorkers?: PthreadWorker[] };
  wasmMemory?: unknown;
  tfjs: Record<string, unknown>;
};

/**
 * Waits until the pool's pthreads run. Emscripten starts a pthread from the main thread's event loop (its worker
 * reports 'loaded', then the main thread posts 'run'); until then XNNPACK's pool does all the work on the caller's
 * thread, and a training loop that never yields would never get its second thread.
 */
async function poolStarted(module: WasmModule, threads: number, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const running = module.PThread?.runningWorkers;
    if (!running) throw new Error('wasm threads: the glue no longer exposes PThread.runningWorkers');
    if (running.length >= threads - 1 && running.every((w) => w.loaded && w.runPthread === undefined)) return;
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`wasm threads: ${threads - 1} pool threads did not start within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Threads wanted for the wasm backend: TRAINKIT_WASM_THREADS when set (1 turns threads off), else one per core.
 * Throws on a value that is not a positive integer, naming the variable.
 */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRAINKIT_WASM_THREADS?.trim();
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`TRAINKIT_WASM_THREADS='${raw}' is not a thread count; expected a positive integer`);
    }
    return Math.min(n, MAX_THREADS);
  }
  return Math.min(availableParallelism(), MAX_THREADS);
}

/** The pthread worker's source, written once per content to a file: Node's Worker takes a path, not a blob: URL. */
function workerFile(source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'trainkit-wasm-threads');
  const file = join(dir, `tfjs-backend-wasm-threaded-simd.worker.${hash}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, source);
    renameSync(tmp, file);
  }
  return file;
}

/**
 * Makes the pthread workers that the glue creates (all of them while its factory runs: it pre-allocates its pool)
 * start without this process's execArgv. Node hands a Worker the parent's flags by default, and a loader (tsx's
 * --import) or an --input-type in them breaks or slows every worker, which run plain CommonJS. The glue reads
 * worker_threads.Worker when its factory runs and keeps it as global.Worker, so that is where the class goes.
 */
function workersWithoutExecArgv(): () => void {
  const require = createRequire(import.meta.url);
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const Original = threads.Worker;
  class PthreadWorker extends Original {
    constructor(filename: string | URL, options: import('node:worker_threads').WorkerOptions = {}) {
      super(filename, { execArgv: [], ...options });
    }
  }
  threads.Worker = PthreadWorker;
  return () => {
    threads.Worker = Original;
  };
}

/**
 * Creates tfjs's wasm backend from its threaded-SIMD build with `threads` XNNPACK threads, in Node.
 *
 * tfjs-backend-wasm 4.22 never picks that build in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag answers false there,
 * tfjs issue #3830), hands Emscripten the pthread worker as a blob: URL that Node's worker_threads refuse, and sizes
 * the XNNPACK pool as min(requested, logical cores / 2), which is one thread on a 2-vCPU machine. This function does
 * what the package's own `init()` does, with three differences: the worker source goes to a file, the main script is
 * the glue file's path, and Emscripten's core count import reports 2·threads so that the pool gets `threads`.
 * The backend object is the package's public BackendWasm, so every wasm kernel (tfjs's and trainkit's) runs on it.
 */
export interface ThreadedWasm {
  backend: BackendWasm;
  /** 'large ops', or 'every op (why)' where the pool switch (wasm-threadpool-switch.ts) could not be installed */
  poolFor: string;
}

export async function createThreadedWasmBackend(threads: number): Promise<ThreadedWasm> {
  const require = createRequire(import.meta.url);
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (wasm.version_wasm !== WASM_THREADS_PINNED_VERSION) {
    throw new Error(
      `wasm threads: written for @tensorflow/tfjs-backend-wasm ${WASM_THREADS_PINNED_VERSION}, found ${wasm.version_wasm}`,
    );
  }
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('wasm threads: this runtime has no SharedArrayBuffer');
  const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const outDir = join(distDir, '..', 'wasm-out');
  const glue = join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  const binary = join(distDir, 'tfjs-backend-wasm-threaded-simd.wasm');
  for (const f of [glue, binary]) if (!existsSync(f)) throw new Error(`wasm threads: ${f} is missing`);
  const { wasmWorkerContents } = require(join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // the template literal in that file turned the source's `\n` escapes into newlines; tfjs's init() re-escapes too
  const worker = workerFile(wasmWorkerContents.replace(/\n/g, '\\n'));
  const factory = require(glue) as (config: object) => Promise<WasmModule>;

  const module = await new Promise<WasmModule>((resolve, reject) => {
    const release = workersWithoutExecArgv();
    try {
      factory({
        locateFile: (path: string, prefix: string) => {
          if (path.endsWith('.worker.js')) return worker;
          if (path.endsWith('.wasm')) return binary;
          return prefix + path;
        },
        mainScriptUrlOrBlob: glue,
        // Emscripten's documented hook for instantiating the binary ourselves: the one place to reach its imports
        instantiateWasm: (
          imports: { env: Record<string, unknown> },
          receive: (instance: unknown, module: unknown) => void,
        ) => {
          if (typeof imports.env.emscripten_num_logical_cores !== 'function') {
            reject(new Error('wasm threads: the glue no longer imports emscripten_num_logical_cores'));
            return {};
          }
          imports.env.emscripten_num_logical_cores = () => 2 * threads;
          // @types/node's lib has no WebAssembly namespace; the runtime does
          const { WebAssembly: wasmApi } = globalThis as unknown as {
            WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: unknown; module: unknown }> };
          };
          wasmApi.instantiate(readFileSync(binary), imports).then((r) => receive(r.instance, r.module), reject);
          return {};
        },
        onAbort: (what: unknown) => reject(new Error(`wasm threads: Emscripten aborted (${String(what)})`)),
      }).then(resolve, reject);
    } finally {
      release();
    }
  });
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasm.setThreadsCount(threads);
  const backend = new wasm.BackendWasm(module as never);
  try {
    const got = wasm.getThreadsCount();
    if (got !== threads) throw new Error(`wasm threads: asked XNNPACK for ${threads} threads, got ${got}`);
    await poolStarted(module, threads);
  } catch (err) {
    backend.dispose();
    throw err;
  }
  // The pool's pthreads hold their workers referenced, which would keep Node from exiting after the last task.
  for (const w of [...(module.PThread?.runningWorkers ?? []), ...(module.PThread?.unusedWorkers ?? [])]) w.unref();
  let poolFor = 'large ops';
  try {
    const cThreadsCount = module.tfjs.getThreadsCount as () => number;
    installThreadpoolSwitch(
      readFileSync(binary),
      module.wasmMemory as { buffer: ArrayBufferLike },
      cThreadsCount,
      threads,
    );
  } catch (err) {
    poolFor = `every op (${(err as Error).message})`;
  }
  return { backend, poolFor };
}
