import { crc32, inflateSync } from 'node:zlib';
import { DataFileError } from '../io/data-file-error.js';
import { checkImageSize, type ImageLimitOptions } from './image-limits.js';

// samples per pixel and the bit depths the PNG specification allows, by colour type
const COLOR_TYPES: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

// Adam7: [x0, y0, dx, dy] of each of the 7 passes
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Filtered bytes the image data must inflate to: a filter byte per row, rows padded to whole bytes. */
function rawLength(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (!interlaced) return rows(width, height);
  let n = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    n += rows(Math.max(0, Math.ceil((width - x0) / dx)), Math.max(0, Math.ceil((height - y0) / dy)));
  }
  return n;
}

/**
 * Checks a PNG's structure before it is decoded: every chunk's CRC, an IHDR the specification allows, a size within
 * the limit (from IHDR, before anything is allocated), and image data that inflates (zlib's own Adler-32 check
 * included) to exactly as many bytes as IHDR implies. fast-png checks none of these, so a corrupt file decoded to
 * garbage pixels, and a 16384×16384 IHDR allocated 1.5 GB. Errors name the file and the chunk's byte offset.
 */
export function checkPng(bytes: Uint8Array, file: string, options: ImageLimitOptions): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (offset: number, msg: string): never => {
    throw new DataFileError(`${file}: cannot decode PNG: ${msg} (byte offset ${offset})`, { file, offset });
  };
  let pos = 8;
  let header: { width: number; height: number; bpp: number; interlaced: boolean; colorType: number } | undefined;
  let palette = false;
  const idat: Uint8Array[] = [];
  let idatAt = -1;
  let ended = false;
  while (!ended) {
    if (pos + 12 > bytes.length) fail(pos, `truncated PNG: a chunk header needs 12 bytes, ${bytes.length - pos} left`);
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (length > 0x7fffffff) fail(pos, `PNG chunk '${type}' declares ${length} bytes, more than PNG allows`);
    const end = pos + 8 + length;
    if (end + 4 > bytes.length) {
      fail(
        pos,
        `truncated PNG: chunk '${type}' declares ${length} bytes, the file ends ${end + 4 - bytes.length} bytes short`,
      );
    }
    const stored = view.getUint32(end);
    const actual = crc32(bytes.subarray(pos + 4, end));
    if (stored !== actual) {
      fail(
        pos,
        `PNG chunk '${type}' has CRC 0x${stored.toString(16).padStart(8, '0')}, its bytes give 0x${actual.toString(16).padStart(8, '0')} (corrupted)`,
      );
    }
    if (header === undefined && type !== 'IHDR') fail(pos, `the first PNG chunk is '${type}', expected IHDR`);
    if (type === 'IHDR') {
      if (header !== undefined) fail(pos, 'a second IHDR chunk');
      if (length !== 13) fail(pos, `IHDR has ${length} bytes, expected 13`);
      const width = view.getUint32(pos + 8);
      const height = view.getUint32(pos + 12);
      const depth = bytes[pos + 16]!;
      const colorType = bytes[pos + 17]!;
      const ct = COLOR_TYPES[colorType];
      if (!ct) fail(pos, `IHDR colour type ${colorType} is not one of 0, 2, 3, 4, 6`);
      if (!ct!.depths.includes(depth)) fail(pos, `IHDR bit depth ${depth} is not allowed for colour type ${colorType}`);
      if (bytes[pos + 18] !== 0 || bytes[pos + 19] !== 0) fail(pos, 'IHDR compression or filter method is not 0');
      if (bytes[pos + 20]! > 1) fail(pos, `IHDR interlace method ${bytes[pos + 20]} is not 0 or 1`);
      if (width > 0x7fffffff || height > 0x7fffffff) fail(pos, `IHDR declares ${width}×${height}, past PNG's 2^31 − 1`);
      checkImageSize(width, height, file, pos, options);
      header = { width, height, bpp: ct!.channels * depth, interlaced: bytes[pos + 20] === 1, colorType };
    } else if (type === 'PLTE') {
      palette = true;
    } else if (type === 'IDAT') {
      if (idatAt < 0) idatAt = pos;
      idat.push(bytes.subarray(pos + 8, end));
    } else if (type === 'IEND') {
      ended = true;
    }
    pos = end + 4;
  }
  if (idat.length === 0) fail(pos, 'no IDAT chunk: the PNG has no image data');
  if (header!.colorType === 3 && !palette) fail(8, 'a palette image (colour type 3) without a PLTE chunk');
  const expected = rawLength(header!.width, header!.height, header!.bpp, header!.interlaced);
  let raw: Buffer | undefined;
  let why = '';
  try {
    // one byte more than needed is enough to tell "too much data" from "just right" without inflating a bomb
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    why = e.code === 'ERR_BUFFER_TOO_LARGE' ? `inflates to more than the ${expected} bytes IHDR implies` : e.message;
  }
  if (raw === undefined) fail(idatAt, `corrupt image data (IDAT): ${why}`);
  if (raw!.length !== expected) {
    fail(
      idatAt,
      `PNG image data (IDAT) inflates to ${raw!.length} bytes, IHDR's ${header!.width}×${header!.height} needs ${expected}`,
    );
  }
}
