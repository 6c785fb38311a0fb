import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

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

/**
 * Creates the directory for a new run, `logDir/runName` (runName defaults to the start time), and refuses a
 * directory that already holds a run: two runs in one directory mix their curves. Returns the absolute path.
 */
export async function createRunDirectory(logDir: string, runName?: string): Promise<string> {
  let dir = resolve(logDir, runName ?? timestampRunName());
  if (runName === undefined) {
    // two runs started in the same second get -2, -3, …
    for (let k = 2; holdsRun(dir); k++) dir = resolve(logDir, `${timestampRunName()}-${k}`);
  } else if (holdsRun(dir)) {
    throw new Error(
      `run directory ${dir} already holds a run (TensorBoard event files); choose another --run-name, or continue that run with --resume ${join(dir, 'checkpoints', '<checkpoint>.safetensors')}`,
    );
  }
  await mkdir(dir, { recursive: true });
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
