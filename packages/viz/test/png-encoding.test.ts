// viz writes PNGs with @trainkit/tensorboard's encodePng (adaptive filters; its size against PIL is tested there):
// a figure's PNG holds exactly the pixels resvg rendered, and the rasters embedded in SVGs decode to their pixels.
import { Resvg } from '@resvg/resvg-js';
import { encodePng } from '@trainkit/tensorboard';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { linePlot } from '../src/index.js';
import { FONT_FAMILY, fontFiles } from '../src/plots/font.js';
import { rgbDataUri } from '../src/plots/image-data.js';

describe('Figure.toPNG', () => {
  it("is resvg's raster, opaque, as an RGB PNG from encodePng, smaller than resvg's own PNG", () => {
    const x = Array.from({ length: 40 }, (_, i) => i + 1);
    const fig = linePlot(
      [
        { name: 'train loss', x, y: x.map((e) => 2 / Math.sqrt(e)) },
        { name: 'test acc', x, y: x.map((e) => 1 - 0.6 / e), fmt: 'g--' },
      ],
      { xlabel: 'epoch', title: 'curves' },
    );
    const png = fig.toPNG();
    const ours = decode(png);
    // The same rendering through resvg's own encoder (what toPNG returned before), at toPNG's default scale 1.
    const rendered = new Resvg(fig.svg, {
      fitTo: { mode: 'width', value: Math.round(fig.width) },
      font: {
        loadSystemFonts: false,
        fontFiles: fontFiles(),
        defaultFontFamily: FONT_FAMILY,
        sansSerifFamily: FONT_FAMILY,
      },
      background: 'white',
    }).render();
    const resvgPng = rendered.asPng();
    const theirs = decode(resvgPng);
    expect([ours.width, ours.height, ours.channels, ours.depth]).toEqual([theirs.width, theirs.height, 3, 8]);
    expect(theirs.channels).toBe(4);
    const rgba = theirs.data as Uint8Array;
    const rgb = new Uint8Array(theirs.width * theirs.height * 3);
    let translucent = 0;
    for (let i = 0; i < theirs.width * theirs.height; i++) {
      if (rgba[4 * i + 3] !== 255) translucent++;
      rgb.set(rgba.subarray(4 * i, 4 * i + 3), 3 * i);
    }
    expect(translucent).toBe(0);
    expect(Buffer.from(ours.data as Uint8Array).equals(Buffer.from(rgb))).toBe(true);
    expect(
      Buffer.from(png).equals(
        Buffer.from(encodePng({ data: rgb, width: ours.width, height: ours.height, channels: 3 })),
      ),
    ).toBe(true);
    expect(png.length).toBeLessThan(resvgPng.length);
  });
});

describe('rasters embedded in SVG', () => {
  it('decode to the image, enlarged with square pixels', () => {
    const [w, h] = [5, 3];
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
    for (const factor of [1, 3]) {
      const uri = rgbDataUri(rgb, w, h, factor);
      expect(uri.startsWith('data:image/png;base64,')).toBe(true);
      const img = decode(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));
      expect([img.width, img.height, img.channels]).toEqual([w * factor, h * factor, 3]);
      const data = img.data as Uint8Array;
      for (let y = 0; y < h * factor; y++) {
        for (let x = 0; x < w * factor; x++) {
          const s = (Math.floor(y / factor) * w + Math.floor(x / factor)) * 3;
          const d = (y * w * factor + x) * 3;
          expect([data[d], data[d + 1], data[d + 2]]).toEqual([rgb[s], rgb[s + 1], rgb[s + 2]]);
        }
      }
    }
  });
});
