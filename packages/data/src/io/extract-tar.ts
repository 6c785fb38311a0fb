import { createReadStream } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DataFileError } from './data-file-error.js';
import { gunzipFile, isGzip } from './gzip.js';
import { checkMd5 } from './md5.js';
import { readRegularFileHead } from './read-regular-file.js';
import { readTar, type TarEntry } from './tar-reader.js';

export interface ExtractTarOptions {
  /** md5 the archive must have; checked before anything is read from it */
  md5?: string;
}

/** Why an entry may not be extracted into `target`, or undefined when it is safe. */
export function unsafeEntryReason(entry: TarEntry, target: string): string | undefined {
  const name = entry.name;
  if (entry.type === 'symlink') return `symlink to '${entry.linkName}'`;
  if (entry.type === 'hardlink') return `hardlink to '${entry.linkName}'`;
  if (entry.type === 'other') return `special file (typeflag '${entry.typeflag}')`;
  if (name === '') return 'empty name';
  if (name.includes('\0')) return 'NUL in the name';
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || isAbsolute(name))
    return 'absolute path';
  if (name.split(/[\\/]/).includes('..')) return "path contains '..'";
  const out = resolve(target, name);
  const rel = relative(resolve(target), out);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return 'path escapes the target directory';
  return undefined;
}

function openArchive(archive: string): AsyncIterable<Uint8Array> {
  // refuses a directory or FIFO (whose read would wait forever) before streaming it
  const head = readRegularFileHead(archive, 2);
  return isGzip(head) ? gunzipFile(archive) : createReadStream(archive, { highWaterMark: 1 << 20 });
}

/**
 * Creates the directories of `parts` below `target` one at a time, never following a symlink: a component that
 * exists must be a real directory (lstat), so that a link already in the target (`sub → ../outside`) cannot carry
 * a member's bytes out of it.
 */
async function safeMkdirs(target: string, parts: string[], fail: (why: string) => never): Promise<string> {
  let at = target;
  for (const part of parts) {
    at = join(at, part);
    const st = await lstat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (st === undefined) await mkdir(at);
    else if (st.isSymbolicLink()) fail(`${at} is a symlink in the target directory; not followed`);
    else if (!st.isDirectory()) fail(`${at} exists and is not a directory`);
  }
  return at;
}

/**
 * Extracts a .tar or .tar.gz into `target`. A first pass reads the whole archive and refuses it, naming each
 * offender, if any entry is a symlink, hardlink or special file, has an absolute path or climbs out with '..', or
 * the archive is truncated or corrupted; nothing is written then. While writing, no symlink already in `target` is
 * followed (a member under one is refused), and files are written under a temporary name and renamed when complete.
 * Returns the paths written, relative to `target`.
 */
export async function extractTar(archive: string, target: string, options: ExtractTarOptions = {}): Promise<string[]> {
  if (options.md5 !== undefined) await checkMd5(archive, options.md5);
  const refused: string[] = [];
  await readTar(
    openArchive(archive),
    (entry) => {
      const why = unsafeEntryReason(entry, target);
      if (why) refused.push(`'${entry.name}' (${why})`);
      return undefined;
    },
    { file: archive },
  );
  if (refused.length > 0) {
    throw new DataFileError(`${archive}: refusing to extract into ${target}: ${refused.join(', ')}`, { file: archive });
  }
  const written: string[] = [];
  let open_: { fh: FileHandle; tmp: string } | undefined;
  await mkdir(target, { recursive: true });
  try {
    await readTar(
      openArchive(archive),
      async (entry) => {
        const fail = (why: string): never => {
          throw new DataFileError(
            `${archive}: cannot extract '${entry.name}' (tar header at byte offset ${entry.offset}): ${why}`,
            {
              file: archive,
              offset: entry.offset,
            },
          );
        };
        const parts = entry.name.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
        if (entry.type === 'directory') {
          await safeMkdirs(target, parts, fail);
          return undefined;
        }
        if (parts.length === 0) fail('no file name');
        const dir = await safeMkdirs(target, parts.slice(0, -1), fail);
        const out = join(dir, parts[parts.length - 1]!);
        const existing = await lstat(out).catch(() => undefined);
        if (existing?.isDirectory()) fail(`${out} is a directory`);
        const tmp = `${out}.extracting`;
        // unlink, then create exclusively: an old temporary (or a symlink under its name) is never written through
        await unlink(tmp).catch(() => {});
        const current = { fh: await open(tmp, 'wx'), tmp };
        open_ = current;
        return {
          write: async (chunk) => {
            await current.fh.write(chunk);
          },
          end: async () => {
            open_ = undefined;
            await current.fh.close();
            // rename replaces a symlink at `out` itself, never what it points to
            await rename(tmp, out);
            written.push(entry.name);
          },
        };
      },
      { file: archive },
    );
  } catch (err) {
    // an archive that fails half-way through a file leaves no half-written temporary behind
    const left = open_ as { fh: FileHandle; tmp: string } | undefined;
    if (left) {
      await left.fh.close().catch(() => {});
      await unlink(left.tmp).catch(() => {});
    }
    if (err instanceof DataFileError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new DataFileError(`${archive}: extracting into ${target} failed: ${e.message}`, { file: archive });
  }
  return written;
}
