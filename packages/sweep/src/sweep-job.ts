import type { Configuration } from './search-space.js';

/** What one job of a sweep carries in BullMQ: everything a worker on any machine needs to run it. */
export interface SweepJobData {
  sweep: string;
  /** the job's name within the sweep, also its run directory's name: `03-lr=0.1-batch-size=64` */
  job: string;
  /** the sweep's flag values for this job */
  params: Configuration;
  /** the program and its fixed flags, as given after `--` to `trainkit sweep` */
  command: string[];
  /** the run directory: `<log dir>/<sweep>/<job>` (a local path, relative to the worker's directory, or s3://…) */
  runDir: string;
  /** where the program's checkpoints go when the sweep names a checkpoint base; else the program's default */
  checkpointDir?: string;
}

/** What a worker reports while it runs a job (`job.progress`), and `trainkit sweep status` shows. */
export interface SweepJobProgress {
  worker: string;
  /** the training program's process id on the worker's machine */
  pid?: number;
  epoch?: number;
  epochs?: number;
  /** the last line the program printed */
  line?: string;
  /** `--resume CKPT` when this attempt continues an earlier one */
  resumedFrom?: string;
}

/** The flags of a configuration, as the program takes them: `{ lr: '0.1' }` → `['--lr', '0.1']`. */
export function configurationFlags(params: Configuration): string[] {
  return Object.entries(params).flatMap(([name, value]) => [`--${name}`, value]);
}

/**
 * A job's name: its index (zero-padded, so that names sort in sweep order) and its flag values, with characters
 * that do not belong in a directory name or an object key replaced by `_`.
 */
export function jobName(index: number, count: number, params: Configuration): string {
  const width = String(Math.max(count - 1, 0)).length;
  const parts = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  return [String(index).padStart(width, '0'), ...parts].join('-').replace(/[^A-Za-z0-9._=+-]/g, '_');
}

/** Joins a base directory and names with `/`, keeping a URL's `s3://` intact (node:path would collapse it). */
export function joinRunPath(base: string, ...names: string[]): string {
  return [base.replace(/\/+$/, ''), ...names].join('/');
}

/** The BullMQ job id of a sweep's job: unique in the queue, so enqueuing a sweep twice cannot double its jobs. */
export function jobId(sweep: string, job: string): string {
  return `${sweep}/${job}`;
}
