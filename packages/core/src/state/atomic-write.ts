import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes a file so that a crash never leaves a half-written file under `path`: the bytes go to a temporary file in
 * the same directory (same file system, so the rename is atomic), which is flushed to disk (fsync) and then renamed
 * over `path`; the directory is synced so the rename itself survives a power loss. On any error the temporary file
 * is removed and an existing file at `path` is left as it was. `chunks` may be produced lazily.
 */
export async function writeFileAtomic(
  path: string,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(tmp, 'wx').catch((err) => {
    throw namedError(err, target);
  });
  try {
    try {
      for await (const chunk of chunks) {
        let written = 0;
        while (written < chunk.byteLength) {
          const { bytesWritten } = await file.write(chunk, written, chunk.byteLength - written);
          written += bytesWritten;
        }
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw namedError(err, target);
  }
  await syncDirectory(dir);
}

/**
 * A write's system error (ENOSPC, EACCES …) with the file it was writing in its message, as Node says it only for
 * open: `writing runs/x/epoch_3.safetensors failed: ENOSPC: no space left on device, write`. The code is kept.
 */
function namedError(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || e.message.includes(path)) return err;
  const named = new Error(`writing ${path} failed: ${e.message}`, { cause: err }) as NodeJS.ErrnoException;
  named.code = e.code;
  return named;
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform can open or fsync a directory (Windows); the file itself is already synced there.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

/**
 * The synchronous form, for small files rewritten in a loop (a training-curve PNG refreshed on every point): same
 * temp-file-and-rename guarantee, parent folders created.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const target = resolve(path);
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

// The temporary names writeFileAtomic writes to: `.<name>.<pid>.<12 hex digits>.tmp`.
const TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporary files that writeFileAtomic left in `dir` when its process was killed in the middle of a
 * write (kill -9, a power cut): those whose writing process is gone. A program that resumes a run calls it, so that
 * each crash does not leave a checkpoint-sized file behind. Returns the names removed.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(TEMPORARY.exec(name)?.[1]);
    if (!pid || isRunning(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
