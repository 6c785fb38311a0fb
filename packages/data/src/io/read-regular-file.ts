import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { DataFileError } from './data-file-error.js';

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

// Opens `file` and checks by fstat on the descriptor (not by a stat of the name, which a swap could defeat) that it is
// a regular file; O_NONBLOCK keeps the open of a FIFO from waiting for a writer.
function openRegular(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DataFileError(`${file}: cannot open (${e.code ?? e.message})`, { file });
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new DataFileError(`${file}: is ${kindOf(st)}, expected a regular file`, {
      file,
      expected: 'a regular file',
      actual: kindOf(st),
    });
  }
  return { fd, size: st.size };
}

/**
 * The bytes of a regular file. Anything else — a directory, a FIFO, a device — is refused before a byte is read: a
 * FIFO would wait for a writer forever, and a device like /dev/zero never ends. The error names the file and what
 * it is instead.
 */
export function readRegularFile(file: string): Buffer {
  const { fd, size } = openRegular(file);
  try {
    const out = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, out, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    // a file that shrank while being read is cut to what was there
    return got === size ? out : out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The size of `file`, after the checks of readRegularFile (the same DataFileError), without reading it. */
export function regularFileSize(file: string): number {
  const { fd, size } = openRegular(file);
  closeSync(fd);
  return size;
}

/** The first `n` bytes (fewer when the file is shorter) of a regular file, with the checks of readRegularFile. */
export function readRegularFileHead(file: string, n: number): Buffer {
  const { fd, size } = openRegular(file);
  try {
    const out = Buffer.alloc(Math.min(n, size));
    const got = readSync(fd, out, 0, out.length, 0);
    return out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
