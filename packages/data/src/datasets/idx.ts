import { DataFileError } from '../io/data-file-error.js';
import { gunzipBuffer, isGzip } from '../io/gzip.js';
import { readRegularFile } from '../io/read-regular-file.js';

/** The IDX magic numbers of the MNIST files: 0x00000803 for images (3 dims), 0x00000801 for labels (1 dim). */
export const IDX_IMAGES = 0x00000803;
export const IDX_LABELS = 0x00000801;

export interface IdxArray {
  dims: number[];
  /** the unsigned bytes after the header */
  data: Uint8Array;
  /** bytes before the data: 4 + 4 × number of dimensions */
  headerSize: number;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const kind = (magic: number) => (magic === IDX_IMAGES ? 'images' : magic === IDX_LABELS ? 'labels' : 'unknown');

/**
 * Parses an IDX file of unsigned bytes (type 0x08), the format of MNIST and Fashion-MNIST: a big-endian header
 * `0x00 0x00 0x08 ndim`, ndim big-endian int32 sizes, then the values. The magic must be `expectedMagic`, and the
 * data must be exactly as long as the sizes say; errors name the file, the offset and both values.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic: number): IdxArray {
  if (bytes.length < 4) {
    throw new DataFileError(`${file}: ${bytes.length} bytes is too short for an IDX header (truncated file)`, {
      file,
      offset: bytes.length,
      expected: '≥ 4 bytes',
      actual: bytes.length,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    const hint = isGzip(bytes)
      ? ' (the file is gzip-compressed: give it a .gz name)'
      : magic === IDX_IMAGES || magic === IDX_LABELS
        ? ` (an IDX ${kind(magic)} file: images and labels swapped?)`
        : '';
    throw new DataFileError(
      `${file}: wrong IDX magic number at byte offset 0: expected ${hex(expectedMagic)} (${kind(expectedMagic)}), got ${hex(magic)}${hint}`,
      { file, offset: 0, expected: hex(expectedMagic), actual: hex(magic) },
    );
  }
  const ndim = bytes[3]!;
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw new DataFileError(
      `${file}: the IDX header needs ${headerSize} bytes for ${ndim} dimensions, the file has ${bytes.length} (truncated file)`,
      {
        file,
        offset: bytes.length,
        expected: headerSize,
        actual: bytes.length,
      },
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerSize;
  if (actual !== expected) {
    const perRecord = dims.slice(1).reduce((a, b) => a * b, 1);
    const records = perRecord > 0 ? Math.floor(actual / perRecord) : 0;
    const end = headerSize + expected;
    throw new DataFileError(
      `${file}: the header promises ${dims.join(' × ')} = ${expected} bytes after the ${headerSize}-byte header, but the file has ${actual} ` +
        `(${actual < expected ? `truncated: data ends at byte offset ${bytes.length}, ${records} of ${dims[0]} records complete` : `${actual - expected} bytes too many from byte offset ${end}`})`,
      { file, offset: actual < expected ? bytes.length : end, expected: end, actual: bytes.length },
    );
  }
  return { dims, data: bytes.subarray(headerSize), headerSize };
}

/** The size an IDX file's header declares (header + data), once its header is there. */
function idxFileSize(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const headerSize = 4 + 4 * head[3]!;
  if (head.length < headerSize) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let n = 1;
  for (let i = 0; i < head[3]!; i++) n *= view.getUint32(4 + 4 * i);
  return headerSize + n;
}

/** Reads and parses an IDX file, plain or gzip-compressed (detected by its first bytes, whatever the name). */
export async function readIdxFile(file: string, expectedMagic: number): Promise<IdxArray> {
  let bytes: Uint8Array = readRegularFile(file);
  if (isGzip(bytes)) bytes = await gunzipBuffer(bytes, file, { expectedSize: idxFileSize });
  return parseIdx(bytes, file, expectedMagic);
}
