import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { DataFileError } from './data-file-error.js';
import { regularFileSize } from './read-regular-file.js';

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** What gunzipBuffer inflates at most: well past the largest IDX file in use (EMNIST's 550 MB). */
export const MAX_GUNZIP_BYTES = 1 << 30;

export interface GunzipBufferOptions {
  /**
   * How many bytes the content may have, read from its first bytes (a format's header) once enough have been
   * inflated; undefined while more are needed. Inflating stops as soon as the output passes it.
   */
  expectedSize?: (head: Uint8Array) => number | undefined;
}

/**
 * A whole .gz file, decompressed in memory; errors name the file. Output past MAX_GUNZIP_BYTES, or past what the
 * content's own header declares, is refused as it is produced: a gzip bomb (a few MB that inflate to many GB) fails
 * after a chunk, not after filling memory.
 */
export async function gunzipBuffer(data: Uint8Array, file: string, options: GunzipBufferOptions = {}): Promise<Buffer> {
  const gz = createGunzip({ chunkSize: 1 << 16 });
  gz.end(data);
  const parts: Buffer[] = [];
  let total = 0;
  let max = MAX_GUNZIP_BYTES;
  let declared: number | undefined;
  try {
    for await (const chunk of gz) {
      parts.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (declared === undefined && options.expectedSize) {
        declared = options.expectedSize(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        if (declared !== undefined) max = Math.min(max, declared);
      }
      if (total > max) break;
    }
  } catch (err) {
    throw new DataFileError(
      `${file}: gzip data is truncated or corrupted (${(err as Error).message}); ${data.length} compressed bytes, ${total} bytes decompressed`,
      { file, offset: total },
    );
  } finally {
    gz.destroy();
  }
  if (total > max) {
    const why = max === declared ? `the ${max} bytes its header declares` : `${max} bytes (a gzip bomb?)`;
    throw new DataFileError(`${file}: ${data.length} gzip bytes decompress to more than ${why}`, {
      file,
      offset: max,
      expected: `≤ ${max} bytes`,
      actual: `> ${max} bytes`,
    });
  }
  return Buffer.concat(parts);
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
