import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DataFileError } from './data-file-error.js';
import { regularFileSize } from './read-regular-file.js';

/** The hex md5 digest of a file, streamed (the 170 MB CIFAR archive never sits in memory). */
export async function md5File(path: string): Promise<string> {
  regularFileSize(path); // a FIFO would never end the stream
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function md5Bytes(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Throws a DataFileError naming both digests when `file`'s md5 is not `expected`. */
export async function checkMd5(file: string, expected: string): Promise<void> {
  const actual = await md5File(file);
  if (actual !== expected.toLowerCase()) {
    throw new DataFileError(`${file}: md5 is ${actual}, expected ${expected} (corrupted or a different file)`, {
      file,
      expected,
      actual,
    });
  }
}
