// The processes run-all.ts times: one trainkit backend per forked Node child, one PyTorch (per BLAS) per Python
// child. Both speak the same protocol, one JSON request and one JSON reply at a time.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchModel, BenchTask } from './models.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface TimingRequest {
  task: BenchTask;
  minSteps: number;
  minSeconds: number;
  maxSteps: number;
}

export interface Contender {
  /** 'trainkit-wasm', 'pytorch-openblas', … */
  id: string;
  kind: 'trainkit' | 'pytorch';
  /** what the child reported when it became ready (backend, threads, BLAS, versions) */
  info: Record<string, unknown>;
  time(req: TimingRequest): Promise<number[]>;
  close(): Promise<void>;
}

/** Sends one request per call and resolves with the next reply; rejects when the child dies. */
class Channel {
  #waiting: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  #stderr = '';

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      const err = new Error(`${name} exited (${signal ?? code})${this.#stderr ? `:\n${this.#stderr.trim()}` : ''}`);
      for (const w of this.#waiting.splice(0)) w.reject(err);
    });
  }

  deliver(msg: Record<string, unknown>): void {
    const w = this.#waiting.shift();
    if (!w) return;
    if (typeof msg.error === 'string') w.reject(new Error(`${this.name}: ${msg.error}`));
    else w.resolve(msg);
  }

  next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }
}

/**
 * 'wasm', 'cpu', 'native' (oneDNN, @trainkit/backend-native), or 'wasm1': the wasm backend held to one thread
 * (TRAINKIT_WASM_THREADS=1), to see what threads give.
 */
export type TrainkitSpec = 'wasm' | 'wasm1' | 'cpu' | 'native';

export async function startTrainkit(spec: TrainkitSpec, model: BenchModel): Promise<Contender> {
  const backend = spec === 'wasm1' ? 'wasm' : spec;
  // fork inherits execArgv: under tsx the child runs TypeScript the same way, with the same export conditions
  const child = fork(join(here, 'trainkit-worker.ts'), ['--backend', backend, '--model', model], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    env: { ...process.env, ...(spec === 'wasm1' ? { TRAINKIT_WASM_THREADS: '1' } : {}) },
  });
  const ch = new Channel(child, `trainkit ${spec} worker`);
  child.on('message', (m) => ch.deliver(m as Record<string, unknown>));
  const info = await ch.next();
  return {
    id: spec === 'wasm1' ? 'trainkit-wasm-1thread' : `trainkit-${backend}`,
    kind: 'trainkit',
    info,
    async time(req) {
      const reply = ch.next();
      child.send(req);
      return (await reply).ms as number[];
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.send({ task: 'exit' });
      await gone;
    },
  };
}

/** Debian's PyTorch; the pyenv python3 that may come first on PATH has no torch. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
/** Debian's reference BLAS (libblas3), which the alternatives system ranks below OpenBLAS when both are installed. */
export const REFERENCE_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/blas';

export interface PythonVariant {
  id: string;
  env: NodeJS.ProcessEnv;
}

export function pythonVariants(): PythonVariant[] {
  const variants: PythonVariant[] = [{ id: 'pytorch', env: {} }];
  if (existsSync(join(REFERENCE_BLAS_DIR, 'libblas.so.3'))) {
    // found before the alternatives' libblas.so.3 by the dynamic loader; liblapack still comes from OpenBLAS
    variants.push({ id: 'pytorch-refblas', env: { LD_LIBRARY_PATH: REFERENCE_BLAS_DIR } });
  }
  return variants;
}

export async function startPytorch(variant: PythonVariant, model: BenchModel, threads: number): Promise<Contender> {
  const script = join(here, '..', 'reference', model === 'cifar' ? 'cifar_net.py' : 'mnist_mlp.py');
  const child = spawn(SYSTEM_PYTHON, [script, '--serve', '--threads', String(threads)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', ...variant.env },
  });
  const ch = new Channel(child, `PyTorch ${variant.id} worker`);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      ch.deliver(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a library printing to stdout: not a reply
    }
  });
  const info = await ch.next();
  const blas = (info.blas as { kind?: string } | undefined)?.kind ?? 'unknown';
  return {
    id: `pytorch-${blas}`,
    kind: 'pytorch',
    info,
    async time(req) {
      const reply = ch.next();
      child.stdin!.write(`${JSON.stringify(req)}\n`);
      return (await reply).ms as number[];
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end(`${JSON.stringify({ task: 'exit' })}\n`);
      await gone;
    },
  };
}

/** Why PyTorch cannot run here, or null when Debian's python3 imports torch. */
export async function pytorchMissing(): Promise<string | null> {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} not found`;
  return await new Promise((resolve) => {
    const child = spawn(SYSTEM_PYTHON, ['-c', 'import torch'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', (e) => resolve(e.message));
    child.on('exit', (code) =>
      resolve(code === 0 ? null : `${SYSTEM_PYTHON} cannot import torch (${err.trim().split('\n').at(-1)})`),
    );
  });
}
