import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../../../..');
/** The jobs run the real cifar-train, from source as `pnpm start` runs it; the workers run in its directory. */
export const CIFAR_APP = join(REPO, 'apps/cifar-train');
export const SAMPLE = join(REPO, 'samples/cifar-10-sample');
const SWEEP_CLI = join(REPO, 'packages/sweep/src/cli.ts');
const TB_CLI = join(REPO, 'packages/tensorboard/src/cli.ts');

/** cifar-train, tiny: 1 epoch of 64 training images, 32 test images, of the committed sample unless `data` says. */
export function cifarTrain(extra: string[] = [], data = SAMPLE): string[] {
  return [
    'node',
    '--conditions=trainkit-source',
    '--import',
    'tsx',
    'src/cli.ts',
    '--data-dir',
    data,
    '--no-download',
    '--epochs',
    '1',
    '--limit-train',
    '64',
    '--limit-test',
    '32',
    '--no-progress',
    ...extra,
  ];
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(script: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', script, ...args], {
    cwd: CIFAR_APP,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finish(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** `trainkit ARGS…`, the CLI from source, to completion. */
export const trainkit = (...args: string[]): Promise<Finished> => finish(node(SWEEP_CLI, args));

/** `trainkit-tb ARGS…`, the CLI from source, to completion. */
export const trainkitTb = (...args: string[]): Promise<Finished> => finish(node(TB_CLI, args));

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  /** resolves with the first line of its output matching `pattern` (rejects if the worker exits first) */
  line(pattern: RegExp): Promise<string>;
  exit: Promise<Finished>;
}

/** A `trainkit worker` process, with short lock and stalled-check times so that a dead worker's job is retaken fast. */
export function startWorker(redis: string, name: string, ...extra: string[]): WorkerProcess {
  const child = node(SWEEP_CLI, [
    'worker',
    '--redis',
    redis,
    '--worker-name',
    name,
    '--lock-duration',
    '3000',
    '--stalled-interval',
    '1000',
    ...extra,
  ]);
  let text = '';
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  const scan = () => {
    for (const w of [...waiters]) {
      const hit = text.split('\n').find((l) => w.pattern.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  child.stdout?.on('data', (d) => {
    text += String(d);
    scan();
  });
  child.stderr?.on('data', (d) => {
    text += String(d);
  });
  const exit = new Promise<Finished>((done) => child.on('close', (code) => done({ code, stdout: text, stderr: '' })));
  return {
    name,
    child,
    output: () => text,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        scan();
        void exit.then(() => reject(new Error(`worker ${name} exited before printing ${pattern}:\n${text}`)));
      }),
    exit,
  };
}

/** Stops a worker as Ctrl-C would (SIGTERM) and returns how it ended. */
export async function stopWorker(worker: WorkerProcess): Promise<Finished> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.exit;
}
