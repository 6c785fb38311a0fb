import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileEntry, FileSystem } from './file-system.js';

let tmpCounter = 0;

/** The local disk. Whole-file writes go to a temporary file in the same directory and are renamed into place. */
export const localFileSystem: FileSystem = {
  readFile(path) {
    return readFile(path);
  },
  async writeFileAtomic(path, data) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${tmpCounter++}.tmp`);
    try {
      await writeFile(tmp, data);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  },
  async listdir(dir) {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e): FileEntry => ({ name: e.name, isDirectory: e.isDirectory() }));
  },
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  },
  async remove(path) {
    await rm(path, { force: true });
  },
};
