import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileError, decodeImage, ImageFolder, transforms } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A w×h RGB image whose pixel (y, x) is [x * 10, y * 10, seed]. */
function rgb(w: number, h: number, seed: number): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d.set([x * 10, y * 10, seed], (y * w + x) * 3);
  return d;
}

function put(path: string, data: Uint8Array | string) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
}

const png = (w: number, h: number, seed: number) =>
  encodePng({ width: w, height: h, data: rgb(w, h, seed), channels: 3, depth: 8 });

describe('ImageFolder', () => {
  it('labels images by their class folder, classes sorted by code point as Python sorts them', async () => {
    const root = tmp.dir;
    put(join(root, 'cat', 'b.png'), png(4, 3, 1));
    put(join(root, 'cat', 'a.PNG'), png(4, 3, 2));
    put(join(root, 'cat', 'notes.txt'), 'not an image');
    put(join(root, 'cat', 'sub', 'c.png'), png(4, 3, 3));
    put(join(root, 'Dog', 'x.png'), png(4, 3, 4));
    put(join(root, '\u{1D49C}', 'y.png'), png(4, 3, 5));
    put(join(root, '\uFF5A', 'z.png'), png(4, 3, 6));
    writeFileSync(join(root, 'stray.png'), png(1, 1, 0));
    const ds = new ImageFolder(root);
    // 'D' < 'c' (ASCII), and U+FF5A < U+1D49C although its UTF-16 units sort the other way
    expect(ds.classes).toEqual(['Dog', 'cat', '\uFF5A', '\u{1D49C}']);
    expect(ds.classToIdx).toEqual({ Dog: 0, cat: 1, '\uFF5A': 2, '\u{1D49C}': 3 });
    expect(ds.samples.map(([p, y]) => [p.slice(root.length + 1), y])).toEqual([
      [join('Dog', 'x.png'), 0],
      [join('cat', 'a.PNG'), 1],
      [join('cat', 'b.png'), 1],
      [join('cat', 'sub', 'c.png'), 1],
      [join('\uFF5A', 'z.png'), 2],
      [join('\u{1D49C}', 'y.png'), 3],
    ]);
    expect(ds.targets).toEqual([0, 1, 1, 1, 2, 3]);
    const [img, label] = ds.getItem(1);
    expect(label).toBe(1);
    expect([img.height, img.width, img.channels]).toEqual([3, 4, 3]);
    expect(Array.from(img.data)).toEqual(Array.from(rgb(4, 3, 2)));
  });

  it('decodes JPEG and applies transforms', () => {
    const w = 16;
    const h = 8;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([200, 100, 50, 255], i * 4);
    put(join(tmp.dir, 'a', 'one.jpg'), jpeg.encode({ data: rgba, width: w, height: h }, 95).data);
    const ds = new ImageFolder(tmp.dir, {
      transform: transforms.compose([transforms.resize([4, 8]), transforms.toTensor()]),
    });
    const [x] = ds.getItem(0);
    expect(x.shape).toEqual([3, 4, 8]);
    // lossy, but a flat colour survives within a few levels
    expect(Math.abs(x.data[0]! * 255 - 200)).toBeLessThan(4);
    expect(Math.abs(x.data[32]! * 255 - 100)).toBeLessThan(4);
    expect(Math.abs(x.data[64]! * 255 - 50)).toBeLessThan(4);
  });

  it('converts gray, gray+alpha, RGBA and 16-bit PNGs to 8-bit RGB like PIL convert("RGB")', () => {
    const gray = decodeImage(
      encodePng({ width: 2, height: 1, data: Uint8Array.from([7, 250]), channels: 1, depth: 8 }),
      'g.png',
    );
    expect(Array.from(gray.data)).toEqual([7, 7, 7, 250, 250, 250]);
    const ga = decodeImage(
      encodePng({ width: 1, height: 1, data: Uint8Array.from([9, 0]), channels: 2, depth: 8 }),
      'ga.png',
    );
    expect(Array.from(ga.data)).toEqual([9, 9, 9]);
    const rgba = decodeImage(
      encodePng({ width: 1, height: 1, data: Uint8Array.from([1, 2, 3, 0]), channels: 4, depth: 8 }),
      'a.png',
    );
    expect(Array.from(rgba.data)).toEqual([1, 2, 3]);
    const deep = decodeImage(
      encodePng({ width: 1, height: 1, data: Uint16Array.from([0x1234]), channels: 1, depth: 16 }),
      'd.png',
    );
    expect(Array.from(deep.data)).toEqual([0x12, 0x12, 0x12]);
  });

  it('an unreadable image names the file and what its bytes are', () => {
    put(join(tmp.dir, 'a', 'fake.png'), 'GIF89a not really');
    const full = png(8, 8, 1);
    put(join(tmp.dir, 'a', 'cut.png'), full.subarray(0, 40));
    const ds = new ImageFolder(tmp.dir);
    const fake = join(tmp.dir, 'a', 'fake.png');
    expect(() => ds.getItem(1)).toThrow(DataFileError);
    expect(() => ds.getItem(1)).toThrow(
      `${fake}: not a PNG or JPEG: the first bytes are 47 49 46 38 39 61 20 6e, expected 89 50 4e 47 0d 0a 1a 0a (PNG) or ff d8 ff (JPEG)`,
    );
    expect(() => ds.getItem(0)).toThrow(`${join(tmp.dir, 'a', 'cut.png')}: cannot decode PNG`);
  });

  it('a truncated JPEG is an error, not a half-grey picture', () => {
    const rgba = new Uint8Array(64 * 64 * 4).map((_, i) => (i * 13) % 256);
    const full = jpeg.encode({ data: rgba, width: 64, height: 64 }, 90).data;
    expect(() => decodeImage(full.subarray(0, Math.floor(full.length / 2)), 'half.jpg')).toThrow(
      /half\.jpg: cannot decode JPEG/,
    );
  });

  it('complains about empty classes and a missing root, naming them', () => {
    put(join(tmp.dir, 'full', 'a.png'), png(1, 1, 0));
    put(join(tmp.dir, 'empty', 'readme.txt'), 'x');
    expect(() => new ImageFolder(tmp.dir)).toThrow(
      /found no valid file for the classes empty in .*Supported extensions are: \.png, \.jpg, \.jpeg/,
    );
    expect(() => new ImageFolder(join(tmp.dir, 'nope'))).toThrow(/cannot read .*nope/);
  });
});
