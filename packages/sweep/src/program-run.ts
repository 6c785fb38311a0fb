import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How a training program ended. */
export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the last lines it printed (stdout and stderr), for the job's failure reason */
  tail: string;
}

export interface ProgramRunOptions {
  cwd?: string;
  /** each line the program prints (stdout and stderr; progress bars' carriage returns end lines too) */
  onLine?: (line: string) => void;
}

export interface ProgramRun {
  pid: number | undefined;
  exit: Promise<ProgramExit>;
  /** the first call asks the program to stop (SIGINT: trainkit programs save a checkpoint and exit 130), the next kills it */
  stop(): void;
}

const TAIL_LINES = 20;
const GUARD = fileURLToPath(new URL('../guard/orphan-guard.cjs', import.meta.url));

/**
 * Starts `argv` (a program on PATH and its arguments, no shell) with the orphan guard in NODE_OPTIONS, so that a
 * Node program dies with the worker that started it.
 */
export function runProgram(argv: readonly string[], options: ProgramRunOptions = {}): ProgramRun {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('runProgram: empty command');
  const env = {
    ...process.env,
    TRAINKIT_SWEEP_WORKER: String(process.pid),
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(GUARD)}`.trim(),
  };
  const child = spawn(program, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const take = (stream: 'stdout' | 'stderr', chunk: Buffer | string) => {
    const lines = (partial[stream] + String(chunk)).split(/\r\n|\r|\n/);
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine?.(line);
    }
  };
  child.stdout.on('data', (c) => take('stdout', c));
  child.stderr.on('data', (c) => take('stderr', c));
  const exit = new Promise<ProgramExit>((resolve) => {
    child.on('error', (err) => {
      tail.push(`cannot start ${program}: ${err.message}`);
      resolve({ code: null, signal: null, tail: tail.join('\n') });
    });
    child.on('close', (code, signal) => {
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream].trim()) take(stream, '\n');
      resolve({ code, signal, tail: tail.join('\n') });
    });
  });
  let stops = 0;
  return {
    pid: child.pid,
    exit,
    stop: () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(stops++ === 0 ? 'SIGINT' : 'SIGKILL');
    },
  };
}
