import { hostname } from 'node:os';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { attemptStart } from './attempt-start.js';
import { type ProgramRun, runProgram } from './program-run.js';
import { DEFAULT_QUEUE } from './redis-connection.js';
import type { SweepJobData, SweepJobProgress } from './sweep-job.js';

export interface SweepWorkerOptions {
  connection: Redis;
  /** the BullMQ queue (default 'trainkit-sweeps') */
  queue?: string;
  /** jobs run at once (default 1: one training program per worker) */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal, in ms (default 30000, BullMQ's): after a worker dies, its job
   * waits this long before another worker takes it again.
   */
  lockDuration?: number;
  /** how often this worker looks for jobs whose worker died, in ms (default 30000, BullMQ's) */
  stalledInterval?: number;
  /** the worker's name in `trainkit sweep status` (default `<host>:<pid>`) */
  name?: string;
  /** the directory the programs run in and relative run directories are under (default: the current one) */
  cwd?: string;
  /** the worker's own lines and each program's, prefixed with its job (default: to stdout) */
  log?: (line: string) => void;
}

const EPOCH_LINE = /^epoch (\d+)\/(\d+)\b/;
// trainkit programs exit 2 for a usage error: the same flags would fail again on every attempt
const USAGE_EXIT = 2;

/**
 * `trainkit worker`: takes the jobs of every sweep in the queue, one at a time by default, and runs each job's
 * program with `--log-dir <log dir>/<sweep> --run-name <job>` (and `--resume CKPT` when an earlier attempt left a
 * checkpoint), reporting its epochs as the job's progress. A program that fails fails the attempt, and BullMQ
 * retries the job after its backoff. `stop()` (SIGINT/SIGTERM) stops each program the way Ctrl-C does (it saves a
 * checkpoint) and puts its job back in the queue without using up an attempt.
 */
export class SweepWorker {
  readonly name: string;
  readonly #worker: Worker<SweepJobData>;
  readonly #running = new Map<string, ProgramRun>();
  readonly #log: (line: string) => void;
  readonly #cwd: string;
  #stopping = false;

  constructor(options: SweepWorkerOptions) {
    this.name = options.name ?? `${hostname()}:${process.pid}`;
    this.#log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
    this.#cwd = options.cwd ?? process.cwd();
    this.#worker = new Worker<SweepJobData>(options.queue ?? DEFAULT_QUEUE, (job, token) => this.#process(job, token), {
      connection: options.connection,
      concurrency: options.concurrency ?? 1,
      name: this.name,
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
    });
    this.#worker.on('failed', (job, err) => {
      if (!job || err instanceof WaitingError || err.name === 'WaitingError') return;
      const left = (job.opts.attempts ?? 1) - job.attemptsMade;
      this.#log(
        `${job.data.job}: attempt ${job.attemptsMade} failed (${err.message.split('\n')[0]})${left > 0 && !(err instanceof UnrecoverableError) ? `; ${left} left` : '; no attempts left'}`,
      );
    });
    this.#worker.on('error', (err) => this.#log(`worker error: ${err.message}`));
  }

  /** Resolves once the worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  /**
   * Stops taking jobs, asks each running program to stop (it saves a checkpoint), puts their jobs back in the queue
   * and resolves when everything is closed. A second call kills the programs at once.
   */
  async stop(): Promise<void> {
    if (this.#stopping) {
      for (const run of this.#running.values()) run.stop();
      return;
    }
    this.#stopping = true;
    for (const run of this.#running.values()) run.stop();
    await this.#worker.close();
  }

  async #process(job: Job<SweepJobData>, token: string | undefined): Promise<{ runDir: string }> {
    const data = job.data;
    const start = await attemptStart(data, this.#cwd);
    const attempt = job.attemptsStarted;
    if (start.kind === 'completed') {
      this.#log(`${data.job}: its run ${data.runDir} is already complete (its worker stopped before saying so)`);
      return { runDir: data.runDir };
    }
    const logDir = data.runDir.slice(0, data.runDir.length - data.job.length - 1);
    const argv = [
      ...data.command,
      '--log-dir',
      logDir,
      '--run-name',
      data.job,
      ...(data.checkpointDir !== undefined ? ['--checkpoint-dir', data.checkpointDir] : []),
      ...(start.kind === 'resume' ? ['--resume', start.checkpoint] : []),
    ];
    this.#log(
      `${data.job}: attempt ${attempt}${start.kind === 'resume' ? `, resuming from ${start.checkpoint}` : ''}: ${argv.join(' ')}`,
    );
    const progress: SweepJobProgress = {
      worker: this.name,
      ...(start.kind === 'resume' ? { resumedFrom: start.checkpoint } : {}),
    };
    let reported = Promise.resolve();
    const report = (update: Partial<SweepJobProgress>) => {
      Object.assign(progress, update);
      const snapshot = { ...progress };
      // in order, and never failing the job: progress is for people watching
      reported = reported.then(() => job.updateProgress(snapshot as object).catch(() => {}));
    };
    const run = runProgram(argv, {
      cwd: this.#cwd,
      onLine: (line) => {
        this.#log(`[${data.job}] ${line}`);
        const m = EPOCH_LINE.exec(line);
        if (m) report({ epoch: Number(m[1]), epochs: Number(m[2]), line });
      },
    });
    this.#running.set(job.id ?? data.job, run);
    report(run.pid !== undefined ? { pid: run.pid } : {});
    if (this.#stopping) run.stop();
    try {
      const exit = await run.exit;
      await reported;
      if (this.#stopping) {
        // back to the queue at once, without using up an attempt; the next worker resumes from the checkpoint
        await job.moveToWait(token);
        this.#log(`${data.job}: stopped (${exit.signal ?? `exit code ${exit.code}`}); back in the queue`);
        throw new WaitingError();
      }
      if (exit.code === 0) {
        this.#log(`${data.job}: completed, run in ${data.runDir}`);
        return { runDir: data.runDir };
      }
      const how = exit.signal
        ? `was killed by ${exit.signal}`
        : exit.code === null
          ? 'did not start'
          : `exited with code ${exit.code}`;
      const usage = exit.code === USAGE_EXIT;
      // first line: what happened and the program's error line (trainkit programs write `<program>: <message>`);
      // then the last lines it printed
      const lines = exit.tail.split('\n');
      const last = lines.filter((l) => /^[^\s:]+: \S/.test(l)).at(-1) ?? lines.at(-1) ?? '';
      const message = `${data.command[0]} ${how}${usage ? ' (a usage error: not retried)' : ''}: ${last}\n${exit.tail}`;
      throw usage ? new UnrecoverableError(message) : new Error(message);
    } finally {
      this.#running.delete(job.id ?? data.job);
    }
  }
}
