import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PROJECTOR_CONFIG } from './projector-config.js';

export const isEventFile = (name: string): boolean => name.includes('tfevents');

/** A logdir or run directory that cannot be listed: it does not exist, is a file, or may not be read. */
export class LogdirError extends Error {
  constructor(
    message: string,
    /** The path as given. */
    readonly path: string,
    /** The system error code: ENOENT, ENOTDIR, EACCES … */
    readonly code: string,
  ) {
    super(message);
    this.name = 'LogdirError';
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/**
 * Lists a directory the user named (`what` says in which role: 'logdir', 'run directory'); the usual failures become
 * a LogdirError saying so with the path, e.g. `logdir runs/x: no such directory`.
 */
export async function listDirectory(dir: string, what: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code];
    if (reason) throw new LogdirError(`${what} ${dir}: ${reason}`, dir, code);
    throw err;
  }
}

/** A directory that TensorBoard shows as a run, named by its path relative to the logdir ('.' for the logdir). */
export interface RunLocation {
  name: string;
  dir: string;
}

/**
 * Every run under a logdir, sorted by name: each directory holding event files, or a Projector configuration (as
 * TensorBoard's projector plugin reads them), at any depth. Throws LogdirError when the logdir itself is missing or
 * not a directory; a subdirectory that vanished meanwhile or may not be read is skipped.
 */
export async function listRuns(logdir: string): Promise<RunLocation[]> {
  const found: RunLocation[] = [];
  const walk = async (dir: string, entries: Dirent[]): Promise<void> => {
    if (entries.some((e) => e.isFile() && (isEventFile(e.name) || e.name === PROJECTOR_CONFIG))) {
      found.push({ name: relative(logdir, dir).split(sep).join('/') || '.', dir });
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const sub = join(dir, e.name);
      let subEntries: Dirent[];
      try {
        subEntries = await readdir(sub, { withFileTypes: true });
      } catch (err) {
        // gone since the parent was listed, or unreadable: TensorBoard skips those too
        if ((err as NodeJS.ErrnoException).code! in REASONS) continue;
        throw err;
      }
      await walk(sub, subEntries);
    }
  };
  await walk(logdir, await listDirectory(logdir, 'logdir'));
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
