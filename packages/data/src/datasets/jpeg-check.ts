import { DataFileError } from '../io/data-file-error.js';
import { checkImageSize, type ImageLimitOptions } from './image-limits.js';

/**
 * Walks a JPEG's marker segments to its frame header (SOFn) and checks the size it declares, before jpeg-js
 * allocates anything: jpeg-js's own limits (100 MP) are not PIL's, and it accepts a 0-line frame. Errors name the
 * file and the byte offset of the segment at fault.
 */
export function checkJpegHeader(bytes: Uint8Array, file: string, options: ImageLimitOptions): void {
  const fail = (offset: number, msg: string): never => {
    throw new DataFileError(`${file}: cannot decode JPEG: ${msg} (byte offset ${offset})`, { file, offset });
  };
  let pos = 2;
  for (;;) {
    if (pos + 4 > bytes.length) fail(pos, 'truncated JPEG: the file ends before the frame header (SOF)');
    if (bytes[pos] !== 0xff) fail(pos, `expected a JPEG marker (0xff), found 0x${bytes[pos]!.toString(16)}`);
    let m = bytes[pos + 1]!;
    while (m === 0xff && pos + 2 < bytes.length) {
      pos++; // fill bytes
      m = bytes[pos + 1]!;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (m === 0xd9 || m === 0xda) fail(pos, `JPEG marker 0xff${m.toString(16)} before any frame header (SOF)`);
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if (length < 2) fail(pos, `JPEG segment 0xff${m.toString(16)} has length ${length}`);
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) {
      if (pos + 9 > bytes.length) fail(pos, 'truncated JPEG frame header');
      const height = (bytes[pos + 5]! << 8) | bytes[pos + 6]!;
      const width = (bytes[pos + 7]! << 8) | bytes[pos + 8]!;
      checkImageSize(width, height, file, pos, options);
      return;
    }
    pos += 2 + length;
  }
}
