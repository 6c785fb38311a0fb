import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { version } from '../package.json';
import { intFlag, parseCommandFlags } from './cli-flags.js';
import { enqueueSweep, sweepJobData } from './enqueue-sweep.js';
import { connectRedis, DEFAULT_QUEUE, DEFAULT_REDIS_URL, redisUrl } from './redis-connection.js';
import { parseGridParam, parseRandomParam } from './search-space.js';
import type { SweepJobData } from './sweep-job.js';
import { formatSweepStatus, sweepNames, sweepStatus } from './sweep-status.js';
import { SweepWorker } from './sweep-worker.js';
import { CliError, UsageError } from './usage-error.js';

export const HELP = `trainkit: hyperparameter sweeps of trainkit programs, run by any number of workers (BullMQ on Redis)

  trainkit sweep [flags] -- PROGRAM [FLAGS...]    enqueue one job per configuration
    --name NAME                 the sweep's name: its runs go into LOG_DIR/NAME/<job> (default: sweep-<start time>)
    --grid FLAG=A,B,...         try each value, with each value of the other --grid flags (repeatable)
    --random FLAG=DIST          draw the value: uniform:LOW:HIGH, loguniform:LOW:HIGH, int:LOW:HIGH or
                                choice:A,B,... (repeatable)
    --trials N                  random draws per grid point (default: 1)
    --seed N                    seeds the random draws (default: 0)
    --log-dir DIR               base of the run directories, a path or s3://BUCKET/PREFIX (default: runs/sweeps);
                                each job runs PROGRAM FLAGS... --FLAG VALUE... --log-dir DIR/NAME --run-name <job>
    --checkpoint-dir DIR        base of the checkpoint directories, DIR/NAME/<job> (default: the program's own,
                                RUN_DIR/checkpoints)
    --attempts N                tries per job before it counts as failed (default: 3)
    --backoff MS                delay before the first retry, doubled for each later one (default: 5000)
    --dry-run                   print the jobs without enqueuing them

  trainkit sweep status --name NAME [--wait] [--json | --run-dirs]
                                each job's state (waiting, active, delayed, completed, failed), attempts, worker
                                and run directory; exit code 0 when every job completed, 1 when one failed,
                                3 while some still wait or run (--wait: poll until none does; --run-dirs: only
                                the completed jobs' run directories, one a line, e.g. for trainkit-tb compare)

  trainkit worker [flags]       run jobs until stopped (Ctrl-C or SIGTERM: the running program saves a
                                checkpoint and its job goes back to the queue, to resume from there)
    --concurrency N             jobs at once (default: 1)
    --lock-duration MS          a dead worker's job is taken again after this long (default: 30000)
    --stalled-interval MS       how often to look for jobs of dead workers (default: 30000)
    --worker-name NAME          the name status shows (default: <host>:<pid>)

  every command:
    --redis URL                 the Redis server (default: $TRAINKIT_REDIS_URL, else ${DEFAULT_REDIS_URL})
    --queue NAME                the BullMQ queue (default: ${DEFAULT_QUEUE})

  trainkit --help | --version

Examples:
  trainkit sweep --name lr-bs --grid lr=0.01,0.1 --grid batch-size=32,64 -- cifar-train --epochs 2
  trainkit sweep --name lr --random lr=loguniform:1e-4:1e-1 --trials 8 --seed 1 -- mnist-train --tsne-images 0
  trainkit worker
  trainkit sweep status --name lr-bs --wait
  trainkit-tb compare $(trainkit sweep status --name lr-bs --run-dirs) --tag test_accuracy

Exit codes: 0 done, 1 failed (the message says why), 2 usage error, 3 (status) not finished yet.
`;

const COMMON = { redis: { type: 'string' }, queue: { type: 'string' } } as const;

function stamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

async function sweepCommand(argv: readonly string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  const flags = parseCommandFlags('sweep', own, {
    ...COMMON,
    name: { type: 'string' },
    grid: { type: 'string', multiple: true },
    random: { type: 'string', multiple: true },
    trials: { type: 'string' },
    seed: { type: 'string' },
    'log-dir': { type: 'string' },
    'checkpoint-dir': { type: 'string' },
    attempts: { type: 'string' },
    backoff: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const trials = intFlag('trials', flags.trials, 1);
  const seed = intFlag('seed', flags.seed, 0);
  const attempts = intFlag('attempts', flags.attempts, 1);
  const backoff = intFlag('backoff', flags.backoff, 0);
  const def = {
    name: flags.name ?? `sweep-${stamp()}`,
    command,
    logDir: flags['log-dir'] ?? 'runs/sweeps',
    grid: (flags.grid ?? []).map(parseGridParam),
    random: (flags.random ?? []).map(parseRandomParam),
    ...(trials !== undefined ? { trials } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
    ...(backoff !== undefined ? { backoff } : {}),
    ...(flags['checkpoint-dir'] !== undefined ? { checkpointDir: flags['checkpoint-dir'] } : {}),
  };
  if (flags['dry-run']) {
    for (const job of sweepJobData(def)) process.stdout.write(`${job.job}: ${job.command.join(' ')} → ${job.runDir}\n`);
    return 0;
  }
  const connection = await connectRedis(redisUrl(flags.redis));
  try {
    const jobs = await enqueueSweep(def, { connection, queue: flags.queue ?? DEFAULT_QUEUE });
    for (const job of jobs) process.stdout.write(`${job.job}: ${job.command.join(' ')}\n`);
    process.stdout.write(
      `sweep ${def.name}: ${jobs.length} jobs enqueued in ${flags.queue ?? DEFAULT_QUEUE}; runs in ${def.logDir}/${def.name}; ` +
        `start workers with: trainkit worker; watch with: trainkit sweep status --name ${def.name}\n`,
    );
    return 0;
  } finally {
    connection.disconnect();
  }
}

async function statusCommand(argv: readonly string[]): Promise<number> {
  const flags = parseCommandFlags('sweep status', argv, {
    ...COMMON,
    name: { type: 'string' },
    wait: { type: 'boolean' },
    json: { type: 'boolean' },
    'run-dirs': { type: 'boolean' },
    interval: { type: 'string' },
  });
  if (flags.name === undefined) throw new UsageError('sweep status: --name NAME is needed (the sweep to look at)');
  const interval = intFlag('interval', flags.interval, 100) ?? 2000;
  const connection = await connectRedis(redisUrl(flags.redis));
  const queue = new Queue<SweepJobData>(flags.queue ?? DEFAULT_QUEUE, { connection });
  try {
    for (;;) {
      const status = await sweepStatus(queue, flags.name);
      if (status.jobs.length === 0) {
        const names = await sweepNames(queue);
        throw new CliError(
          `--name ${flags.name}: no such sweep in queue ${queue.name}; the sweeps there: ${names.join(', ') || '(none)'}`,
        );
      }
      if (flags.wait && !status.finished) {
        await sleep(interval);
        continue;
      }
      process.stdout.write(
        flags['run-dirs']
          ? status.jobs
              .filter((j) => j.state === 'completed')
              .map((j) => `${j.runDir}\n`)
              .join('')
          : flags.json
            ? `${JSON.stringify(status, null, 2)}\n`
            : formatSweepStatus(status),
      );
      return status.counts.failed > 0 ? 1 : status.finished ? 0 : 3;
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function workerCommand(argv: readonly string[]): Promise<number> {
  const flags = parseCommandFlags('worker', argv, {
    ...COMMON,
    concurrency: { type: 'string' },
    'lock-duration': { type: 'string' },
    'stalled-interval': { type: 'string' },
    'worker-name': { type: 'string' },
  });
  const concurrency = intFlag('concurrency', flags.concurrency, 1);
  const lockDuration = intFlag('lock-duration', flags['lock-duration'], 100);
  const stalledInterval = intFlag('stalled-interval', flags['stalled-interval'], 100);
  const connection = await connectRedis(redisUrl(flags.redis));
  const worker = new SweepWorker({
    connection,
    queue: flags.queue ?? DEFAULT_QUEUE,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(lockDuration !== undefined ? { lockDuration } : {}),
    ...(stalledInterval !== undefined ? { stalledInterval } : {}),
    ...(flags['worker-name'] !== undefined ? { name: flags['worker-name'] } : {}),
  });
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.stdout.write(`worker ${worker.name}: ${signal} received, stopping (again to kill the programs)\n`);
      void worker.stop().then(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await worker.ready();
  process.stdout.write(`worker ${worker.name}: waiting for jobs in ${flags.queue ?? DEFAULT_QUEUE}\n`);
  await stopped;
  connection.disconnect();
  process.stdout.write(`worker ${worker.name}: stopped\n`);
  return 0;
}

/** The `trainkit` command: returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h') {
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version') {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    if (command === 'sweep')
      return rest[0] === 'status' ? await statusCommand(rest.slice(1)) : await sweepCommand(rest);
    if (command === 'worker') return await workerCommand(rest);
    throw new UsageError(`unknown command ${command}; the commands: sweep, sweep status, worker`);
  } catch (err) {
    if (err instanceof UsageError || err instanceof CliError) {
      process.stderr.write(`trainkit: ${err.message}\n`);
      if (err instanceof UsageError) process.stderr.write('Run trainkit --help for the commands and flags.\n');
      return err.exitCode;
    }
    process.stderr.write(`trainkit: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
