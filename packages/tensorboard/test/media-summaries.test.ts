import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeGif, lzwEncode, quantize } from '../src/gif.js';
import { loadRun, SummaryWriter } from '../src/index.js';
import { wav16 } from '../src/summary/audio.js';
import { pythonJsonDumps } from '../src/summary/python-json.js';
import { decodeGif } from './helpers/gif-decode.js';

const root = mkdtempSync(join(tmpdir(), 'tk-media-'));
let n = 0;
const freshDir = (name: string) => join(root, `${name}-${n++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('GIF encoder', () => {
  it('keeps up to 256 colours exactly', () => {
    const width = 16;
    const height = 16;
    const frame = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) frame.set([i, 255 - i, (i * 7) & 255], 3 * i);
    const gif = decodeGif(encodeGif({ width, height, frames: [frame], delayCs: 10 }));
    expect(gif.frames[0]).toEqual(frame);
    expect(gif.delaysCs).toEqual([10]);
    expect(gif.loop).toBe(0);
  });

  it('codes long, varied data across every code width and dictionary resets', () => {
    // 200k indices from 256 colours in runs and noise: the dictionary fills (4096 codes) many times.
    let seed = 1;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const indices = new Uint8Array(200_000);
    for (let i = 0; i < indices.length; i++) indices[i] = i % 1000 < 500 ? (i >> 6) & 255 : rand() & 255;
    const width = 500;
    const height = indices.length / width;
    const palette = new Uint8Array(256 * 3);
    for (let c = 0; c < 256; c++) palette.set([c, c ^ 0x55, 255 - c], 3 * c);
    const frame = new Uint8Array(indices.length * 3);
    for (let i = 0; i < indices.length; i++) frame.set(palette.subarray(3 * indices[i]!, 3 * indices[i]! + 3), 3 * i);
    const gif = decodeGif(encodeGif({ width, height, frames: [frame, frame.slice().reverse()], delayCs: 4 }));
    // Buffer comparison: a deep toEqual over 600k elements takes tens of seconds.
    expect(Buffer.from(gif.frames[0]!).equals(frame)).toBe(true);
    expect(Buffer.from(gif.frames[1]!).equals(frame.slice().reverse())).toBe(true);
    // Small palettes: the smallest code size GIF allows is 2.
    expect(lzwEncode(new Uint8Array([0, 1, 0, 1, 0, 1]), 2).length).toBeGreaterThan(0);
  });

  it('quantizes a frame with more than 256 colours to 256, close to the input', () => {
    const rgb = new Uint8Array(64 * 64 * 3);
    for (let i = 0; i < 64 * 64; i++) rgb.set([(i * 4) & 255, (i >> 4) & 255, i & 255], 3 * i);
    const { palette, indices } = quantize(rgb);
    expect(palette.length / 3).toBe(256);
    let error = 0;
    for (let i = 0; i < 64 * 64; i++) {
      for (let k = 0; k < 3; k++) error += Math.abs(palette[3 * indices[i]! + k]! - rgb[3 * i + k]!);
    }
    expect(error / (64 * 64 * 3)).toBeLessThan(16); // mean error per channel, out of 255
  });

  it('rejects a frame of the wrong size', () => {
    expect(() => encodeGif({ width: 2, height: 2, frames: [new Uint8Array(11)], delayCs: 1 })).toThrow(
      'GIF: a frame has 11 bytes, 2 × 2 × 3 expected',
    );
  });
});

describe('WAV encoder', () => {
  it('writes a 44-byte PCM header and clipped 16-bit samples, converted as libsndfile converts them', () => {
    const wav = wav16([0, 1, -1, 2, -2, 0.5, Number.NaN, 1 / 32768 - 1e-12, -1 / 32768 - 1e-12], 1, 16000);
    const view = new DataView(wav.buffer);
    expect(String.fromCharCode(...wav.subarray(0, 4), ...wav.subarray(8, 16))).toBe('RIFFWAVEfmt ');
    expect([
      view.getUint32(4, true),
      view.getUint16(22, true),
      view.getUint32(24, true),
      view.getUint16(34, true),
    ]).toEqual([36 + 18, 1, 16000, 16]);
    const samples = Array.from({ length: 9 }, (_, i) => view.getInt16(44 + 2 * i, true));
    // Rounded to 32 bits first: just below 1/32768 is 1, just below -1/32768 is -1 (as libsndfile 1.2.0 writes them).
    expect(samples).toEqual([0, 32767, -32768, 32767, -32768, 16384, 0, 1, -1]);
  });
});

describe('python json.dumps(sort_keys=True)', () => {
  it('matches Python for the config dicts add_mesh takes', () => {
    expect(pythonJsonDumps({ b: [1, 0.5, 1e-5, 'é"'], a: { z: null, y: true } }, 'x')).toBe(
      '{"a": {"y": true, "z": null}, "b": [1, 0.5, 1e-05, "\\u00e9\\""]}',
    );
    expect(pythonJsonDumps(undefined, 'x')).toBe('null');
    expect(pythonJsonDumps({}, 'x')).toBe('{}');
  });
});

describe('new summaries read back, and bad input named', () => {
  it('addAudio, addVideo, addMesh, addImageWithBoxes and a described scalar through our reader', async () => {
    const dir = freshDir('all');
    const w = new SummaryWriter(dir);
    w.addAudio('a', { data: new Float32Array([0, 0.5, -0.5, 1, 0, 0]), shape: [3, 2] }, 2, { sampleRate: 100 });
    w.addVideo('v', { data: new Uint8Array(2 * 3 * 3 * 4 * 5).fill(128), shape: [2, 3, 3, 4, 5] }, 4);
    w.addMesh(
      'm',
      [
        [
          [0, 0, 0],
          [1, 0, 0],
          [0, 1, 0],
        ],
      ],
      { faces: [[[0, 1, 2]]], step: 5 },
    );
    w.addImageWithBoxes('b', { data: new Float32Array(3 * 8 * 8), shape: [3, 8, 8] }, [[1, 1, 6, 6]], 6);
    w.addScalar('s', 1, { step: 7, displayName: 'S', description: 'about s' });
    await w.close();
    const run = await loadRun(dir);
    expect(run.issues).toEqual([]);
    expect(run.audio.a).toMatchObject([{ step: 2, sampleRate: 100, numChannels: 2, lengthFrames: 3 }]);
    const gif = decodeGif(run.images.v![0]!.encoded);
    expect([gif.width, gif.height, gif.frames.length]).toEqual([10, 4, 3]); // two videos side by side
    expect(run.meshes.m).toMatchObject([{ step: 5, config: null, faces: { shape: [1, 1, 3], data: [0, 1, 2] } }]);
    expect(run.meshes.m![0]!.colors).toBeUndefined();
    expect(run.images.b).toMatchObject([{ step: 6, width: 8, height: 8 }]);
    expect(run.tagInfo).toEqual({ s: { displayName: 'S', description: 'about s' } });
    expect(run.scalars.s).toMatchObject([{ step: 7, value: 1 }]);
  });

  it('names the method, the tag and what is wrong', () => {
    const w = new SummaryWriter(freshDir('bad'));
    expect(() => w.addAudio('a', [[0, 0, 0]])).toThrow("addAudio('a'): expected 1 or 2 channels");
    expect(() => w.addVideo('v', [[[[0]]]])).toThrow("addVideo('v'): expected a 5-D video [N, T, C, H, W]");
    expect(() => w.addVideo('v', { data: new Uint8Array(4), shape: [1, 1, 4, 1, 1] })).toThrow(
      "addVideo('v'): expected 1 or 3 channels",
    );
    expect(() => w.addVideo('v', { data: new Uint8Array(3), shape: [1, 1, 3, 1, 1] }, { fps: 0 })).toThrow(
      "addVideo('v'): fps must be a positive number",
    );
    expect(() => w.addMesh('m', [[0, 0, 0]])).toThrow("addMesh('m'): vertices must be [batch, n, 3]");
    expect(() =>
      w.addMesh('m', [[[0, 0, 0]]], {
        colors: [
          [
            [1, 1, 1],
            [2, 2, 2],
          ],
        ],
      }),
    ).toThrow("addMesh('m'): colors has 2 per mesh, one per vertex (1) expected");
    const img = { data: new Float32Array(12), shape: [3, 2, 2] };
    expect(() => w.addImageWithBoxes('b', img, [1, 2, 3])).toThrow("addImageWithBoxes('b'): boxes must be [N, 4]");
    expect(() => w.addImageWithBoxes('b', img, [[0, 0, 1, 1]], 0, { labels: ['a', 'b'] })).toThrow(
      "addImageWithBoxes('b'): 2 labels for 1 boxes",
    );
    expect(() => w.addImageWithBoxes('b', img, [[0, 0, 1, 1]], 0, { rescale: 2 })).toThrow(
      /rescale 2 is not supported/,
    );
    return w.close();
  });
});
