import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DataFileError } from './data-file-error.js';
import { gunzipFile, isGzip } from './gzip.js';
import { readTar, type TarEntry } from './tar-reader.js';

/** Why an entry may not be extracted into `target`, or undefined when it is safe. */
export function unsafeEntryReason(entry: TarEntry, target: string): string | undefined {
  const name = entry.name;
  if (entry.type === 'symlink') return `symlink to '${entry.linkName}'`;
  if (entry.type === 'hardlink') return `hardlink to '${entry.linkName}'`;
  if (entry.type === 'other') return `special file (typeflag '${entry.typeflag}')`;
  if (name === '') return 'empty name';
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || isAbsolute(name))
    return 'absolute path';
  if (name.split(/[\\/]/).includes('..')) return "path contains '..'";
  const out = resolve(target, name);
  const rel = relative(resolve(target), out);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return 'path escapes the target directory';
  return undefined;
}

async function openArchive(archive: string): Promise<AsyncIterable<Uint8Array>> {
  const fh = await open(archive, 'r');
  const head = new Uint8Array(2);
  try {
    await fh.read(head, 0, 2, 0);
  } finally {
    await fh.close();
  }
  return isGzip(head) ? gunzipFile(archive) : createReadStream(archive, { highWaterMark: 1 << 20 });
}

/**
 * Extracts a .tar or .tar.gz into `target`. A first pass checks every entry and refuses the whole archive, naming
 * each offender, if any entry is a symlink, hardlink or special file, has an absolute path, or climbs out with
 * '..'; nothing is written then. Files are written under a temporary name and renamed when complete.
 * Returns the paths written, relative to `target`.
 */
export async function extractTar(archive: string, target: string): Promise<string[]> {
  const refused: string[] = [];
  await readTar(
    await openArchive(archive),
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
      await openArchive(archive),
      async (entry) => {
        const out = join(target, entry.name);
        if (entry.type === 'directory') {
          await mkdir(out, { recursive: true });
          return undefined;
        }
        await mkdir(dirname(out), { recursive: true });
        const tmp = `${out}.extracting`;
        const current = { fh: await open(tmp, 'w'), tmp };
        open_ = current;
        return {
          write: async (chunk) => {
            await current.fh.write(chunk);
          },
          end: async () => {
            open_ = undefined;
            await current.fh.close();
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
    throw err;
  }
  return written;
}
