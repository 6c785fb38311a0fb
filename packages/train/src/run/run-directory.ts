import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gfile, isS3Url, joinPath } from '@trainkit/tensorboard';
import { CliError } from '../cli/cli-errors.js';
import { UsageError } from '../cli/flags.js';

/** `YYYYMMDD-HHMMSS` in local time: run directories sort by start time. */
export function timestampRunName(date: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** True when `dir` already holds TensorBoard event files, i.e. a run. */
export function holdsRun(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((name) => name.includes('tfevents'));
}

/** holdsRun for a local directory or an s3:// prefix. */
async function holdsRunAt(dir: string): Promise<boolean> {
  if (!isS3Url(dir)) return holdsRun(dir);
  try {
    return (await gfile.listdir(dir)).some((e) => !e.isDirectory && e.name.includes('tfevents'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Creates the directory for a new run, `logDir/runName` (runName defaults to the start time), and refuses a
 * directory that already holds a run: two runs in one directory mix their curves. Returns the absolute path, or
 * for an s3:// log dir the run's prefix (S3 has no directories to create).
 */
export async function createRunDirectory(logDir: string, runName?: string): Promise<string> {
  // a run stays inside --log-dir, where TensorBoard and the user look for it
  if (runName !== undefined && (/[/\\]/.test(runName) || runName === '.' || runName === '..'))
    throw new UsageError(`--run-name ${runName}: expected a directory name under --log-dir, not a path`);
  const at = (name: string) => (isS3Url(logDir) ? joinPath(logDir, name) : resolve(logDir, name));
  let dir = at(runName ?? timestampRunName());
  if (runName === undefined) {
    // two runs started in the same second get -2, -3, …
    for (let k = 2; await holdsRunAt(dir); k++) dir = at(`${timestampRunName()}-${k}`);
  } else if (await holdsRunAt(dir)) {
    const hint = isS3Url(dir)
      ? joinPath(dir, 'checkpoints', '<checkpoint>.safetensors')
      : join(dir, 'checkpoints', '<checkpoint>.safetensors');
    throw new CliError(
      `run directory ${dir} already holds a run (TensorBoard event files); choose another --run-name, or continue that run with --resume ${hint}`,
    );
  }
  if (!isS3Url(dir)) await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * The configuration of a resumed run: the one saved in its checkpoint, with only the values the user set
 * explicitly now taking precedence (e.g. more epochs). Keys the saved config lacks keep their current value.
 */
export function resumedConfig<C extends object>(saved: unknown, current: C, explicit: Iterable<keyof C>): C {
  const base = typeof saved === 'object' && saved !== null ? (saved as Partial<C>) : {};
  const out = { ...current, ...base } as C;
  for (const key of explicit) out[key] = current[key];
  return out;
}

// Flags that change where things go or how long a run lasts, but not what it computes.
const NEUTRAL = new Set([
  'epochs',
  'progress',
  'resume',
  'evalOnly',
  'runName',
  'logDir',
  'checkpointDir',
  'dataDir',
  'download',
]);

/**
 * The settings a resumed run changes from its checkpoint's config that alter what it computes (the learning rate,
 * the batch size, the seed, …), as `name old → new`: worth a note, since the continued run then no longer matches
 * an uninterrupted one. Where things go and how many epochs run are not counted.
 */
export function changedSettings(saved: unknown, resumed: object): string[] {
  if (typeof saved !== 'object' || saved === null) return [];
  const before = saved as Record<string, unknown>;
  const after = resumed as Record<string, unknown>;
  return Object.keys(after)
    .filter((k) => !NEUTRAL.has(k) && k in before && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k} ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`);
}
