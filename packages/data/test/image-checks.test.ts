// What the header and structure checks of decodeImage let through: every valid PNG layout (the limits are PIL's, the
// expected inflated size includes Adam7 interlacing), and the MAX_IMAGE_PIXELS semantics of PIL: a warning above the
// limit, DecompressionBombError above twice it, none with `maxImagePixels: null`.
import { crc32, deflateSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { DataFileError, DecompressionBombError, decodeImage, MAX_IMAGE_PIXELS } from '../src/index.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit gray PNG, Adam7-interlaced, written from the specification: pass by pass, filter 0 on every row. */
function interlacedGray(w: number, h: number, pixel: (x: number, y: number) => number): Buffer {
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    if (x0! >= w || y0! >= h) continue;
    for (let y = y0!; y < h; y += dy!) {
      rows.push(0);
      for (let x = x0!; x < w; x += dx!) rows.push(pixel(x, y));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 1], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Uint8Array.from(rows))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('decodeImage structure checks', () => {
  it.each([
    ['gray 1-bit', { channels: 1, depth: 1 as const }],
    ['gray 8-bit', { channels: 1, depth: 8 as const }],
    ['gray+alpha 16-bit', { channels: 2, depth: 16 as const }],
    ['RGB 8-bit', { channels: 3, depth: 8 as const }],
    ['RGBA 16-bit', { channels: 4, depth: 16 as const }],
  ])('accepts a valid %s PNG of odd size', (_name, { channels, depth }) => {
    const w = 13;
    const h = 7;
    // 1-bit rows are packed, each starting on a byte boundary
    const length = depth === 1 ? Math.ceil(w / 8) * h : w * h * channels;
    const values = Array.from({ length }, (_, i) => (i * 37) % (depth === 16 ? 65536 : 256));
    const data = depth === 16 ? Uint16Array.from(values) : Uint8Array.from(values);
    const img = decodeImage(encodePng({ width: w, height: h, data, channels, depth }), 'x.png');
    expect([img.width, img.height, img.channels]).toEqual([w, h, 3]);
  });

  it('accepts an Adam7-interlaced PNG, whose image data is laid out pass by pass', () => {
    for (const [w, h] of [
      [1, 1],
      [3, 2],
      [9, 10],
      [17, 5],
    ] as const) {
      const img = decodeImage(
        interlacedGray(w, h, (x, y) => (x * 16 + y) & 255),
        'i.png',
      );
      expect([img.width, img.height]).toEqual([w, h]);
      expect(img.data[(1 % h) * w * 3 + (2 % w) * 3]).toBe(((2 % w) * 16 + (1 % h)) & 255);
    }
  });

  it('accepts valid JPEGs of odd sizes (the scan walk agrees with the encoder on the block count)', () => {
    for (const [w, h] of [
      [1, 1],
      [9, 17],
      [33, 8],
    ] as const) {
      const d = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 13) % 256);
      const img = decodeImage(jpeg.encode({ data: d, width: w, height: h }, 80).data, 'x.jpg');
      expect([img.width, img.height]).toEqual([w, h]);
    }
  });
});

describe('maxImagePixels (PIL MAX_IMAGE_PIXELS)', () => {
  const png = encodePng({ width: 10, height: 10, data: new Uint8Array(300), channels: 3, depth: 8 });

  it('defaults to PIL default of 89,478,485 pixels', () => {
    expect(MAX_IMAGE_PIXELS).toBe(89_478_485);
  });

  it('warns above the limit, as PIL DecompressionBombWarning, and decodes', () => {
    const warnings: string[] = [];
    const img = decodeImage(png, 'w.png', { maxImagePixels: 60, onWarning: (m) => warnings.push(m) });
    expect(img.width).toBe(10);
    expect(warnings).toEqual([
      'w.png: image size (10×10 = 100 pixels) exceeds the limit of 60 pixels, could be a decompression bomb DOS attack',
    ]);
  });

  it('refuses above twice the limit with DecompressionBombError, a DataFileError naming the file and IHDR', () => {
    const err = (() => {
      try {
        decodeImage(png, 'b.png', { maxImagePixels: 49 });
      } catch (e) {
        return e as DecompressionBombError;
      }
    })();
    expect(err).toBeInstanceOf(DecompressionBombError);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err).toMatchObject({ file: 'b.png', offset: 8, pixels: 100, limit: 49 });
    expect(err!.message).toMatch(/^b\.png: image size \(10×10 = 100 pixels, header at byte offset 8\) exceeds twice/);
  });

  it('null lifts the limit, and 0×N is refused whatever the limit', () => {
    expect(decodeImage(png, 'n.png', { maxImagePixels: null }).width).toBe(10);
    const zero = Buffer.from(png);
    zero.writeUInt32BE(0, 16);
    zero.writeUInt32BE(crc32(zero.subarray(12, 29)) >>> 0, 29);
    expect(() => decodeImage(zero, 'z.png', { maxImagePixels: null })).toThrow(
      'z.png: the header at byte offset 8 declares a 0×10 image',
    );
  });
});
