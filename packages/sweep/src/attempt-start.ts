import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SweepJobData } from './sweep-job.js';

/** How an attempt at a job starts, given what earlier attempts left in its run directory. */
export type AttemptStart =
  | { kind: 'fresh' }
  | { kind: 'resume'; checkpoint: string }
  | { kind: 'completed' }
  /** a run directory the worker cannot look into (s3://…): the program is started as for a fresh run */
  | { kind: 'unknown' };

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function holdsRun(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => name.includes('tfevents'));
}

function manifestStatus(runDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { status?: string }).status;
  } catch {
    return undefined;
  }
}

/**
 * Looks at what earlier attempts left: nothing (start fresh); a completed run (the worker died after the program
 * finished: nothing to do); a run with checkpoints (resume from the newest: trainkit programs resume exactly, and
 * write their checkpoints in order of progress, so the newest file is the furthest point); or a run that died before
 * its first checkpoint, which is removed so that the program, refusing a directory that holds a run, can start over.
 */
export async function attemptStart(data: SweepJobData, cwd: string): Promise<AttemptStart> {
  if (URL_SCHEME.test(data.runDir)) return { kind: 'unknown' };
  const runDir = resolve(cwd, data.runDir);
  if (!holdsRun(runDir)) return { kind: 'fresh' };
  if (manifestStatus(runDir) === 'completed') return { kind: 'completed' };
  const checkpointDir =
    data.checkpointDir === undefined ? join(runDir, 'checkpoints') : resolve(cwd, data.checkpointDir);
  const checkpoints = existsSync(checkpointDir)
    ? readdirSync(checkpointDir)
        .filter((f) => /^(epoch|step)_\d+\.safetensors$/.test(f))
        .map((f) => join(checkpointDir, f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (checkpoints[0] !== undefined) return { kind: 'resume', checkpoint: checkpoints[0] };
  await rm(runDir, { recursive: true, force: true });
  return { kind: 'fresh' };
}
