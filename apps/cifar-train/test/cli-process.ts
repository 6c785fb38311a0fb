import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSafetensors, tf } from '@trainkit/core';
import { loadRun, readEvents } from '@trainkit/tensorboard';
import { MANIFEST_FILE } from '@trainkit/train';
import { readTrainingState } from '../src/index.js';

// cifar-train as a user runs it, in a child process, and the checks the fault tests make on what a run leaves.

export const APP = resolve(__dirname, '..');
export const SAMPLE = resolve(APP, '../../samples/cifar-10-sample');

export interface CliProcess {
  child: ChildProcess;
  output: () => string;
  /** the exit code, or 128 + the signal number when a signal ended it (as a shell reports it) */
  exit: Promise<number>;
  /** the signal that ended it, if one did */
  signal: () => NodeJS.Signals | null;
  exited: () => boolean;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Runs `src/cli.ts` (or another script of the app) from source: tsx, @trainkit/* resolved to the packages' src. */
export function spawnCli(args: string[], { script = 'src/cli.ts', env = {} } = {}): CliProcess {
  const child = spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', script, ...args], {
    cwd: APP,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  let signal: NodeJS.Signals | null = null;
  let exited = false;
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exit = new Promise<number>((done) =>
    child.on('exit', (code, sig) => {
      exited = true;
      signal = sig;
      done(code ?? 128 + (SIGNALS[sig as NodeJS.Signals] ?? 0));
    }),
  );
  return { child, output: () => output, exit, signal: () => signal, exited: () => exited };
}

/** Waits until `ready()` holds, polling; fails when the process exits first or after `timeoutMs`. */
export async function waitUntil(
  cli: CliProcess,
  what: string,
  ready: () => boolean | Promise<boolean>,
  timeoutMs = 45_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (cli.exited()) throw new Error(`the CLI exited before ${what}:\n${cli.output()}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}:\n${cli.output()}`);
    await sleep(20);
  }
}

/** The number of train_loss points the run has logged so far (0 before its event file exists). */
export async function loggedSteps(runDir: string): Promise<number> {
  if (!existsSync(runDir) || !readdirSync(runDir).some((f) => f.includes('tfevents'))) return 0;
  return (await loadRun(runDir)).scalars.train_loss?.length ?? 0;
}

/** Checkpoints under a final name (temporary files are dot-files ending in .tmp). */
export const finalCheckpoints = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.safetensors') && !f.startsWith('.')) : [];

/**
 * What a run directory must be after anything happened to the process: every event file reads to its end with every
 * record's CRCs right (trainkit's reader checks what TensorBoard's checks), every checkpoint under a final name
 * parses and the training ones give their state, the manifest is whole JSON. Returns the training checkpoints by
 * step, the last first, and the problems found.
 */
export async function checkRunFiles(runDir: string): Promise<{ problems: string[]; byStep: [number, string][] }> {
  const problems: string[] = [];
  const byStep: [number, string][] = [];
  if (!existsSync(runDir)) return { problems, byStep };
  for (const f of readdirSync(runDir).filter((f) => f.includes('tfevents'))) {
    const { issue } = await readEvents(join(runDir, f));
    if (issue) problems.push(`${f}: ${JSON.stringify(issue)}`);
  }
  const dir = join(runDir, 'checkpoints');
  for (const name of finalCheckpoints(dir)) {
    const path = join(dir, name);
    try {
      const { tensors } = await loadSafetensors(path);
      tf.dispose(Object.values(tensors));
      if (name !== 'best.safetensors') byStep.push([(await readTrainingState(path)).step, path]);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (existsSync(join(runDir, MANIFEST_FILE))) {
    try {
      JSON.parse(readFileSync(join(runDir, MANIFEST_FILE), 'utf8'));
    } catch (err) {
      problems.push(`${MANIFEST_FILE}: ${(err as Error).message}`);
    }
  }
  byStep.sort((a, b) => b[0] - a[0]);
  return { problems, byStep };
}

/** Every tensor of two checkpoint files, compared bit for bit; returns the names that differ. */
export async function differingTensors(a: string, b: string): Promise<string[]> {
  const [x, y] = [await loadSafetensors(a), await loadSafetensors(b)];
  try {
    const names = new Set([...Object.keys(x.tensors), ...Object.keys(y.tensors)]);
    return [...names].filter((name) => {
      const [s, t] = [x.tensors[name], y.tensors[name]];
      if (!s || !t || s.dtype !== t.dtype) return true;
      const [u, v] = [s.dataSync(), t.dataSync()];
      const bits = (arr: ArrayLike<number>) => new Uint8Array(new Float32Array(Array.from(arr)).buffer);
      return Buffer.compare(bits(u), bits(v)) !== 0;
    });
  } finally {
    tf.dispose([...Object.values(x.tensors), ...Object.values(y.tensors)]);
  }
}
