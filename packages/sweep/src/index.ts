/**
 * Hyperparameter sweeps of trainkit programs: a grid or random search over a program's flags, one BullMQ job per
 * configuration, run by `trainkit worker` processes on any number of machines.
 *
 * @module @trainkit/sweep
 */
export { type AttemptStart, attemptStart } from './attempt-start.js';
export { type EnqueueOptions, enqueueSweep, type SweepDefinition, sweepJobData } from './enqueue-sweep.js';
export { HELP, main } from './main.js';
export { type ProgramExit, type ProgramRun, type ProgramRunOptions, runProgram } from './program-run.js';
export { connectRedis, DEFAULT_QUEUE, DEFAULT_REDIS_URL, redisUrl } from './redis-connection.js';
export {
  type Configuration,
  type Distribution,
  expandSearchSpace,
  type GridParam,
  parseGridParam,
  parseRandomParam,
  type RandomParam,
  type SearchSpace,
} from './search-space.js';
export {
  configurationFlags,
  jobId,
  jobName,
  joinRunPath,
  type SweepJobData,
  type SweepJobProgress,
} from './sweep-job.js';
export {
  formatSweepStatus,
  type JobState,
  type SweepJobStatus,
  type SweepStatus,
  sweepJobs,
  sweepNames,
  sweepStatus,
} from './sweep-status.js';
export { SweepWorker, type SweepWorkerOptions } from './sweep-worker.js';
export { CliError, UsageError } from './usage-error.js';
