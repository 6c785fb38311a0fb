import { parseGridParam, parseRandomParam, sweepJobData } from '@trainkit/sweep';

// What `trainkit sweep --dry-run` prints, from code: the jobs of a grid × random search, not enqueued.
const jobs = sweepJobData({
  name: 'bs-lr',
  logDir: 'runs/sweeps',
  command: ['cifar-train', '--epochs', '2'],
  grid: [parseGridParam('batch-size=32,64')],
  random: [parseRandomParam('lr=loguniform:1e-4:1e-1')],
  trials: 2, // random draws per grid point
  seed: 0, // the same seed draws the same values
});
for (const job of jobs) console.log(`${job.job}: ${job.command.join(' ')} → ${job.runDir}`);
