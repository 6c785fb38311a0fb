// A user of @trainkit/sweep alone (bullmq, ioredis and @trainkit/tensorboard; not tfjs):
// a grid × random search planned into jobs, without a Redis server.
import { parseGridParam, parseRandomParam, type SweepJobData, sweepJobData } from '@trainkit/sweep';

function main(): string {
  const jobs: SweepJobData[] = sweepJobData({
    name: 'consumer',
    logDir: 'runs/sweeps',
    command: ['cifar-train', '--epochs', '1'],
    grid: [parseGridParam('batch-size=32,64')],
    random: [parseRandomParam('lr=loguniform:1e-4:1e-1')],
    trials: 2,
    seed: 3,
  });
  if (jobs.length !== 4 || jobs[3]!.runDir !== `runs/sweeps/consumer/${jobs[3]!.job}`) {
    throw new Error(`planned ${JSON.stringify(jobs)}`);
  }
  return `${jobs.length} jobs planned, the last: ${jobs[3]!.command.join(' ')}`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(): void {
  // @ts-expect-error a grid parameter is parsed from a string
  parseGridParam(1);
  // @ts-expect-error the command is an array of strings
  sweepJobData({ name: 'x', logDir: 'runs', command: 'cifar-train' });
}

try {
  console.log(`ok ${main()}`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
}
