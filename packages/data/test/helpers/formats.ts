// Writers for the official byte layouts, written from the format specifications independently of src/, so the
// readers are tested against bytes they did not produce.
import { gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes: 00 00 08 ndim, big-endian int32 sizes, then the data. */
export function idxBytes(dims: number[], data: Uint8Array, magicType = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = magicType;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, data]);
}

/** n synthetic 28×28 digits: pixel value depends on the image index, so order can be checked. */
export function mnistLike(
  n: number,
  labelOf = (i: number) => i % 10,
): { images: Buffer; labels: Buffer; pixels: Uint8Array } {
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) pixels[i * 784 + p] = (i * 7 + p) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => labelOf(i));
  return { images: idxBytes([n, 28, 28], pixels), labels: idxBytes([n], labels), pixels };
}

/**
 * CIFAR-10 binary records: label byte, then 1024 R, 1024 G, 1024 B. Pixel (y, x) of record i has
 * R = (i + y) % 256, G = (i + 2x) % 256, B = (i + y + x + 7) % 256.
 */
export function cifarBatch(n: number, labelOf = (i: number) => i % 10, first = 0): Buffer {
  const out = Buffer.alloc(n * 3073);
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const o = k * 3073;
    out[o] = labelOf(i);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const p = y * 32 + x;
        out[o + 1 + p] = (i + y) % 256;
        out[o + 1 + 1024 + p] = (i + 2 * x) % 256;
        out[o + 1 + 2048 + p] = (i + y + x + 7) % 256;
      }
    }
  }
  return out;
}

export const cifarPixel = (i: number, y: number, x: number): [number, number, number] => [
  (i + y) % 256,
  (i + 2 * x) % 256,
  (i + y + x + 7) % 256,
];

export interface TarSpec {
  name: string;
  data?: Uint8Array | string;
  /** '0' file (default), '5' directory, '2' symlink, '1' hardlink */
  type?: string;
  linkName?: string;
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** A ustar archive (names up to 100 bytes, longer ones split into prefix/name) with the end-of-archive blocks. */
export function tarBytes(entries: TarSpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    const h = Buffer.alloc(512);
    let name = e.name;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      const cut = name.lastIndexOf('/', 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    h.write(name, 0, 100, 'utf8');
    h.write(octal(e.type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
    h.write(octal(0, 8), 108, 'ascii');
    h.write(octal(0, 8), 116, 'ascii');
    h.write(octal(e.type === '0' || e.type === undefined ? data.length : 0, 12), 124, 'ascii');
    h.write(octal(0, 12), 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write(e.type ?? '0', 156, 'ascii');
    if (e.linkName) h.write(e.linkName, 157, 100, 'utf8');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    if (prefix) h.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(h);
    if (e.type === '0' || e.type === undefined) {
      blocks.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export const tarGz = (entries: TarSpec[]): Buffer => gzipSync(tarBytes(entries));
