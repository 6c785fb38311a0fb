import { relative, sep } from 'node:path';
import { PROJECTOR_CONFIG } from './projector-config.js';
import type { FileEntry } from './storage/file-system.js';
import { gfile, joinPath } from './storage/gfile.js';

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
 * Lists a directory the user named (`what` says in which role: 'logdir', 'run directory'), a local one or an
 * s3:// prefix; the usual failures become a LogdirError saying so with the path, e.g.
 * `logdir runs/x: no such directory`.
 */
export async function listDirectory(dir: string, what: string): Promise<FileEntry[]> {
  try {
    return await gfile.listdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code];
    if (reason) throw new LogdirError(`${what} ${dir}: ${reason}`, dir, code);
    throw err;
  }
}

/** A run's name: its path below the logdir, '/'-separated ('.' for the logdir itself). */
function runName(logdir: string, dir: string): string {
  if (gfile.isS3(logdir)) return dir.slice(logdir.replace(/\/+$/, '').length + 1) || '.';
  return relative(logdir, dir).split(sep).join('/') || '.';
}

/** A directory that TensorBoard shows as a run, named by its path relative to the logdir ('.' for the logdir). */
export interface RunLocation {
  name: string;
  dir: string;
}

/**
 * Every run under a logdir (a local directory or an s3:// prefix), sorted by name: each directory holding event files, or a Projector configuration (as
 * TensorBoard's projector plugin reads them), at any depth. Throws LogdirError when the logdir itself is missing or
 * not a directory; a subdirectory that vanished meanwhile or may not be read is skipped.
 */
export async function listRuns(logdir: string): Promise<RunLocation[]> {
  const found: RunLocation[] = [];
  const walk = async (dir: string, entries: FileEntry[]): Promise<void> => {
    if (entries.some((e) => !e.isDirectory && (isEventFile(e.name) || e.name === PROJECTOR_CONFIG))) {
      found.push({ name: runName(logdir, dir), dir });
    }
    for (const e of entries) {
      if (!e.isDirectory) continue;
      const sub = joinPath(dir, e.name);
      let subEntries: FileEntry[];
      try {
        subEntries = await gfile.listdir(sub);
      } catch (err) {
        // gone since the parent was listed, or unreadable: TensorBoard skips those too
        if ((err as NodeJS.ErrnoException).code! in REASONS) continue;
        throw err;
      }
      await walk(sub, subEntries);
    }
  };
  const top = gfile.isS3(logdir) ? logdir.replace(/\/+$/, '') : logdir;
  await walk(top, await listDirectory(top, 'logdir'));
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
