import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { expandSearchSpace, type SearchSpace } from './search-space.js';
import { configurationFlags, jobId, jobName, joinRunPath, type SweepJobData } from './sweep-job.js';
import { sweepJobs } from './sweep-status.js';
import { UsageError } from './usage-error.js';

export interface SweepDefinition extends SearchSpace {
  /** the sweep's name: the directory its runs go into, and what `trainkit sweep status --name` asks for */
  name: string;
  /** the program each job runs, with its fixed flags: `['cifar-train', '--epochs', '2']` */
  command: string[];
  /** the runs go into `<logDir>/<name>/<job>` (passed as `--log-dir <logDir>/<name> --run-name <job>`) */
  logDir: string;
  /** when given, checkpoints go into `<checkpointDir>/<name>/<job>` (`--checkpoint-dir`); else the program's default */
  checkpointDir?: string;
  /** tries per job before it counts as failed (default 3) */
  attempts?: number;
  /** delay before the first retry in ms, doubled for each later one (default 5000) */
  backoff?: number;
}

export interface EnqueueOptions {
  connection: Redis;
  /** the BullMQ queue (default 'trainkit-sweeps'); workers must name the same */
  queue?: string;
}

// The flags a worker sets itself: a sweep that also sets them would send two values to the program.
const WORKER_FLAGS = ['log-dir', 'run-name', 'resume', 'checkpoint-dir'];
const SWEEP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The jobs of a sweep definition, in order, without enqueuing them (what `trainkit sweep --dry-run` prints). */
export function sweepJobData(def: SweepDefinition): SweepJobData[] {
  if (!SWEEP_NAME.test(def.name)) {
    throw new UsageError(`--name ${JSON.stringify(def.name)}: expected letters, digits, '.', '_' or '-'`);
  }
  if (def.command.length === 0) {
    throw new UsageError('no program to run: put it after --, e.g. trainkit sweep … -- cifar-train --epochs 2');
  }
  const configurations = expandSearchSpace(def);
  for (const flag of WORKER_FLAGS) {
    const given = Object.keys(configurations[0] ?? {}).includes(flag) || def.command.includes(`--${flag}`);
    if (given) throw new UsageError(`--${flag}: the worker sets it for each job (from --log-dir); do not give it`);
  }
  return configurations.map((params, i) => {
    const job = jobName(i, configurations.length, params);
    return {
      sweep: def.name,
      job,
      params,
      command: [...def.command, ...configurationFlags(params)],
      runDir: joinRunPath(def.logDir, def.name, job),
      ...(def.checkpointDir !== undefined ? { checkpointDir: joinRunPath(def.checkpointDir, def.name, job) } : {}),
    };
  });
}

/**
 * Enqueues one BullMQ job per configuration, each retried up to `attempts` times with exponential backoff. Refuses a
 * name the queue already holds a sweep under: its jobs and run directories would mix with the new ones.
 */
export async function enqueueSweep(def: SweepDefinition, options: EnqueueOptions): Promise<SweepJobData[]> {
  const jobs = sweepJobData(def);
  const attempts = def.attempts ?? 3;
  const backoff = def.backoff ?? 5000;
  if (!Number.isSafeInteger(attempts) || attempts < 1)
    throw new UsageError(`--attempts: expected an integer ≥ 1, got ${attempts}`);
  if (!Number.isSafeInteger(backoff) || backoff < 0)
    throw new UsageError(`--backoff: expected milliseconds ≥ 0, got ${backoff}`);
  const queue = new Queue<SweepJobData>(options.queue ?? 'trainkit-sweeps', { connection: options.connection });
  try {
    const existing = await sweepJobs(queue, def.name);
    if (existing.length > 0) {
      throw new UsageError(
        `--name ${def.name}: queue ${queue.name} already holds that sweep (${existing.length} jobs); choose another name`,
      );
    }
    await queue.addBulk(
      jobs.map((data) => ({
        name: data.job,
        data,
        opts: {
          jobId: jobId(data.sweep, data.job),
          attempts,
          backoff: { type: 'exponential', delay: backoff },
          // kept, so that `trainkit sweep status` can still say how each job went
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    return jobs;
  } finally {
    await queue.close();
  }
}
