import * as zlib from 'node:zlib';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../src/index.js';
import { applyFilter, chooseFilter, filterScanlines, paeth } from '../src/png/png-filters.js';

// An independent reader for what encodePng writes: chunks, inflate, then PNG spec §9's reconstruction, written from
// the specification's formulas (Recon(x) = Filt(x) + predictor), not from the encoder's code.
function readPng(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let o = 8; o < png.length; ) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + len);
    expect(view.getUint32(o + 8 + len), `CRC of ${type}`).toBe(zlib.crc32(png.subarray(o + 4, o + 8 + len)));
    chunks.push({ type, data });
    o += 12 + len;
  }
  const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
  const [width, height, colorType] = [ihdr.getUint32(0), ihdr.getUint32(4), chunks[0]!.data[9]!];
  const channels = { 0: 1, 4: 2, 2: 3, 6: 4 }[colorType]!;
  const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    filters.push(type);
    for (let x = 0; x < stride; x++) {
      const f = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? out[y * stride + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, Math.floor((a + b) / 2), pa <= pb && pa <= pc ? a : pb <= pc ? b : c][type]!;
      out[y * stride + x] = (f + predictor) % 256;
    }
  }
  return {
    chunks: chunks.map((c) => c.type),
    width,
    height,
    channels,
    colorType,
    depth: chunks[0]!.data[8],
    out,
    filters,
  };
}

// Deterministic test pixels: smooth areas, edges and noise, so that different rows prefer different filters.
function testImage(width: number, height: number, channels: number): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  let s = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        s = (s * 1103515245 + 12345) >>> 0;
        const band = Math.floor((y * 4) / Math.max(height, 1));
        const v = [x * 7 + c * 40, y * 5, (x * y) % 256, s >>> 24][band % 4]!;
        data[(y * width + x) * channels + c] = v & 0xff;
      }
    }
  }
  return data;
}

describe('PNG filters', () => {
  it('paeth predicts with the nearest of left, up and upper-left, ties in that order', () => {
    expect(paeth(10, 20, 10)).toBe(20); // p = 20: up is exact
    expect(paeth(20, 10, 10)).toBe(20); // p = 20: left is exact
    expect(paeth(10, 10, 10)).toBe(10);
    expect(paeth(100, 120, 110)).toBe(110); // p = 110: upper-left is exact
    expect(paeth(8, 11, 10)).toBe(8); // p = 9: left and upper-left 1 away, left wins
    expect(paeth(11, 8, 10)).toBe(8); // p = 9: up and upper-left 1 away, up wins
    expect(paeth(0, 10, 6)).toBe(6); // p = 4: left 4 away, up 6, upper-left 2
  });

  it('chooses the filter whose output bytes, read as signed, sum smallest', () => {
    const zeros = new Uint8Array(12);
    const ramp = Uint8Array.from({ length: 12 }, (_, i) => 100 + i * 3);
    // A row equal to the one above: Up gives all zeros.
    expect(chooseFilter(ramp, ramp, 3)).toBe(2);
    // A horizontal ramp under a blank row: Sub leaves 3s after the first pixel; Paeth (= Sub here, b = c = 0) ties
    // and loses to the lower type.
    expect(chooseFilter(ramp, zeros, 1)).toBe(1);
    // All zeros: every filter sums to 0 and None, the lowest type, wins.
    expect(chooseFilter(zeros, zeros, 3)).toBe(0);
    // Average beats the others when the pixel is the mean of left and up.
    const up = Uint8Array.from([0, 0, 40, 40, 80, 80, 120, 120]);
    const row = Uint8Array.from([0, 0, 40, 40, 60, 60, 100, 100]);
    expect(chooseFilter(row, up, 2)).toBe(3);
    // Bytes above 127 count as negative: 250 is -6 and beats Up's 150 (read unsigned, 150 would win).
    expect(chooseFilter(Uint8Array.from([250]), Uint8Array.from([100]), 1)).toBe(0);
  });

  it('inverts each filter with the reconstruction of the specification', () => {
    const [w, bpp] = [9, 3];
    const prev = testImage(w, 1, bpp);
    const row = testImage(w, 2, bpp).subarray(w * bpp);
    for (let type = 0; type <= 4; type++) {
      const out = new Uint8Array(w * bpp);
      applyFilter(type, row, prev, bpp, out, 0);
      const back = new Uint8Array(w * bpp);
      for (let x = 0; x < w * bpp; x++) {
        const a = x >= bpp ? back[x - bpp]! : 0;
        const [b, c] = [prev[x]!, x >= bpp ? prev[x - bpp]! : 0];
        back[x] = out[x]! + [0, a, b, (a + b) >> 1, paeth(a, b, c)][type]!;
      }
      expect(Array.from(back), `filter ${type}`).toEqual(Array.from(row));
    }
    expect(() => applyFilter(5, row, prev, bpp, new Uint8Array(w * bpp), 0)).toThrow(/filter type must be 0..4, got 5/);
  });

  it('prefixes each row with the filter chooseFilter picks, repeated rows included', () => {
    const [w, bpp] = [16, 3];
    const stride = w * bpp;
    const distinct = testImage(w, 8, bpp);
    // Rows: zeros, zeros, two distinct, the last repeated twice, a row of 6s twice, zeros twice, then a distinct one.
    const rows = [-1, -1, 0, 1, 1, 1, -7, -7, -1, -1, 2].map((r) =>
      r >= 0 ? distinct.subarray(r * stride, (r + 1) * stride) : new Uint8Array(stride).fill(-r - 1),
    );
    const data = new Uint8Array(stride * rows.length);
    rows.forEach((r, y) => {
      data.set(r, y * stride);
    });
    const f = filterScanlines(data, stride, rows.length, bpp);
    expect(f.length).toBe((stride + 1) * rows.length);
    const types: number[] = [];
    for (let y = 0; y < rows.length; y++) {
      const prev = y > 0 ? rows[y - 1]! : new Uint8Array(stride);
      const type = chooseFilter(rows[y]!, prev, bpp);
      const expected = new Uint8Array(stride);
      applyFilter(type, rows[y]!, prev, bpp, expected, 0);
      expect(f[y * (stride + 1)], `row ${y}`).toBe(type);
      expect(Array.from(f.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))), `row ${y}`).toEqual(
        Array.from(expected),
      );
      types.push(type);
    }
    expect(types[1]).toBe(0); // zeros under zeros: None
    expect(types[4]).toBe(2); // a repeated row: Up
    expect(types[7]).toBe(2);
  });
});

describe('encodePng', () => {
  it('round-trips grey, grey + alpha, RGB and RGBA losslessly, read by fast-png and by the spec reader', () => {
    for (const channels of [1, 2, 3, 4]) {
      for (const [w, h] of [
        [1, 1],
        [7, 3],
        [33, 17],
        [64, 64],
      ] as const) {
        const data = testImage(w, h, channels);
        const png = encodePng({ data, width: w, height: h, channels });
        const ours = readPng(png);
        expect(ours.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
        expect([ours.width, ours.height, ours.channels, ours.depth]).toEqual([w, h, channels, 8]);
        expect(Buffer.from(ours.out).equals(Buffer.from(data)), `${w}×${h}×${channels}`).toBe(true);
        const theirs = decode(png);
        expect([theirs.width, theirs.height, theirs.channels, theirs.depth]).toEqual([w, h, channels, 8]);
        expect(Buffer.from(theirs.data as Uint8Array).equals(Buffer.from(data)), `${w}×${h}×${channels}`).toBe(true);
      }
    }
  });

  it('filters adaptively: an image with smooth, repeated and noisy rows uses several filter types', () => {
    const w = 64;
    const data = testImage(w, 64, 3);
    const { filters } = readPng(encodePng({ data, width: w, height: 64, channels: 3 }));
    expect(new Set(filters).size).toBeGreaterThanOrEqual(3);
  });

  it('is smaller than filter 0 at the same zlib settings on a photo-like gradient', () => {
    const [w, h] = [128, 96];
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const [x, y] = [i % w, Math.floor(i / w)];
      data.set([(x * 2) & 255, (y * 2 + x) & 255, (x * y) >> 6], i * 3);
    }
    const rows = new Uint8Array((w * 3 + 1) * h);
    for (let y = 0; y < h; y++) rows.set(data.subarray(y * w * 3, (y + 1) * w * 3), y * (w * 3 + 1) + 1);
    const filterZero = zlib.deflateSync(rows, { level: 6, memLevel: 9, strategy: zlib.constants.Z_FILTERED }).length;
    expect(encodePng({ data, width: w, height: h, channels: 3 }).length).toBeLessThan(filterZero * 0.5);
  });

  it('accepts a Uint8ClampedArray and a Buffer', () => {
    const data = testImage(5, 4, 4);
    const png = encodePng({ data, width: 5, height: 4, channels: 4 });
    expect(encodePng({ data: new Uint8ClampedArray(data), width: 5, height: 4, channels: 4 })).toEqual(png);
    expect(encodePng({ data: Buffer.from(data), width: 5, height: 4, channels: 4 })).toEqual(png);
  });

  it('rejects what it cannot encode, naming the problem', () => {
    const data = new Uint8Array(12);
    expect(() => encodePng({ data, width: 2, height: 2, channels: 5 })).toThrow(
      'encodePng: channels must be 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA), got 5',
    );
    expect(() => encodePng({ data, width: 0, height: 2, channels: 3 })).toThrow(
      'encodePng: width must be an integer from 1 to 2^31 - 1, got 0',
    );
    expect(() => encodePng({ data, width: 2, height: 1.5, channels: 3 })).toThrow(/height must be an integer/);
    expect(() => encodePng({ data, width: 2, height: 3, channels: 3 })).toThrow(
      'encodePng: a 2×3 image with 3 channels needs 18 bytes, got 12',
    );
    expect(() =>
      encodePng({ data: new Float32Array(12) as unknown as Uint8Array, width: 2, height: 2, channels: 3 }),
    ).toThrow('encodePng: data must be a Uint8Array of 8-bit samples, got a Float32Array');
  });
});
