import { createReadStream } from 'node:fs';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { DataFileError } from './data-file-error.js';
import { regularFileSize } from './read-regular-file.js';

const gunzipAsync = promisify(gunzip);

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** A whole .gz file, decompressed in memory (on libuv's thread pool); errors name the file. */
export async function gunzipBuffer(data: Uint8Array, file: string): Promise<Buffer> {
  try {
    return await gunzipAsync(data);
  } catch (err) {
    throw new DataFileError(
      `${file}: gzip data is truncated or corrupted (${(err as Error).message}); ${data.length} compressed bytes`,
      {
        file,
      },
    );
  }
}

/**
 * The decompressed bytes of a .gz file as a stream of chunks, never the whole file at once. A truncated or
 * corrupted stream raises an error naming the file and how far decompression got.
 */
export async function* gunzipFile(file: string): AsyncGenerator<Uint8Array> {
  const size = regularFileSize(file); // a FIFO or directory is refused before the stream starts
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const gz = createGunzip({ chunkSize: 1 << 20 });
  input.on('error', (err) => gz.destroy(err));
  input.pipe(gz);
  let out = 0;
  try {
    for await (const chunk of gz) {
      out += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (err) {
    throw new DataFileError(
      `${file}: gzip data is truncated or corrupted (${(err as Error).message}) after ${gz.bytesWritten} of ${size} compressed bytes, ${out} bytes decompressed`,
      { file, offset: gz.bytesWritten, expected: size, actual: gz.bytesWritten },
    );
  } finally {
    input.destroy();
    gz.destroy();
  }
}
