import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun, SummaryWriter } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tk-figure-'));
let n = 0;
const freshDir = () => join(root, `run-${n++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const png = (width: number, height: number, channels: number, depth: 8 | 16 = 8) => {
  const values = Array.from({ length: width * height * channels }, (_, i) => i % 251);
  return encodePng({
    width,
    height,
    channels,
    depth,
    data: depth === 8 ? Uint8Array.from(values) : Uint16Array.from(values),
  });
};

// The reader hands back Buffers; compare contents, not classes.
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('addFigure', () => {
  it('stores the PNG bytes unchanged with the size and colorspace of their IHDR', async () => {
    const dir = freshDir();
    const rgb = png(7, 5, 3);
    const rgba = png(3, 9, 4);
    const grey16 = png(4, 2, 1, 16);
    const greyAlpha = png(2, 2, 2);
    const w = new SummaryWriter(dir);
    w.addFigure('rgb', rgb, 3, 123.5);
    w.addFigure('rgba', { toPNG: () => rgba }, 4); // a @trainkit/viz Figure, by shape
    w.addFigure('grey', Buffer.from(grey16)); // a Buffer is a Uint8Array
    w.addFigure('grey-alpha', greyAlpha, 5);
    await w.close();
    const run = await loadRun(dir);
    expect(run.issues).toEqual([]);
    const [a] = run.images.rgb!;
    expect(a).toMatchObject({ step: 3, wallTime: 123.5, width: 7, height: 5, colorspace: 3 });
    expect(sameBytes(a!.encoded, rgb)).toBe(true);
    expect(run.images.rgba![0]).toMatchObject({ step: 4, width: 3, height: 9, colorspace: 4 });
    expect(sameBytes(run.images.rgba![0]!.encoded, rgba)).toBe(true);
    expect(run.images.grey![0]).toMatchObject({ step: 0, width: 4, height: 2, colorspace: 1 });
    expect(sameBytes(run.images.grey![0]!.encoded, grey16)).toBe(true);
    expect(run.images['grey-alpha']![0]).toMatchObject({ width: 2, height: 2, colorspace: 2 });
  });

  it('refuses what is not a PNG, naming the tag and saying what came', () => {
    const w = new SummaryWriter(freshDir());
    const good = png(2, 2, 3);
    expect(() => w.addFigure('jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toThrow(
      "addFigure('jpeg'): not a PNG image: it starts with bytes ff d8 ff e0 00 10, not the PNG signature",
    );
    expect(() => w.addFigure('empty', new Uint8Array())).toThrow(
      "addFigure('empty'): not a PNG image: it starts with nothing",
    );
    expect(() => w.addFigure('cut', good.subarray(0, 20))).toThrow(
      "addFigure('cut'): not a PNG image: 20 bytes end inside the IHDR chunk",
    );
    const corrupt = good.slice();
    corrupt[17] = corrupt[17]! ^ 1; // one bit of the width
    expect(() => w.addFigure('corrupt', corrupt)).toThrow(
      /addFigure\('corrupt'\): not a PNG image: the IHDR chunk's CRC/,
    );
    const noIhdr = good.slice();
    noIhdr.set([0x49, 0x44, 0x41, 0x54], 12); // 'IDAT' first
    expect(() => w.addFigure('order', noIhdr)).toThrow(
      "the first chunk must be IHDR with 13 bytes of data, got 'IDAT'",
    );
    expect(() => w.addFigure('text', { toPNG: () => 'png' as never })).toThrow(
      "addFigure('text'): figure.toPNG() returned string, expected the PNG bytes as a Uint8Array",
    );
    expect(() => w.addFigure('array', [1, 2, 3] as never)).toThrow(
      "addFigure('array'): expected PNG bytes (a Uint8Array) or an object with toPNG(), got a Array",
    );
  });
});
