import { renameSync, writeFileSync } from 'node:fs';

let tmpCounter = 0;

/** Writes a whole file through a temporary file and a rename, so a crash never leaves it half-written. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
