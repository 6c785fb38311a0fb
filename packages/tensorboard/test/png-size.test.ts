// encodePng against PIL's default PNG save (what torch's add_image writes) for the same pixels: real CIFAR-10 images
// and grids, viz plots, grey, grey + alpha, RGB, RGBA. tools/fixtures/png_sizes.py measured PIL's sizes.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../src/index.js';
import { buildPixels, CIFAR_SAMPLE, FIXTURES, loadSizeCases } from './helpers/png-fixture-images.js';

const { pil, cases } = loadSizeCases();
describe(`encodePng is at most 1.1× the size of PIL ${pil}'s PNG for the same pixels`, () => {
  it('reads the CIFAR cases from the committed sample', () => {
    expect(existsSync(join(CIFAR_SAMPLE, 'test_batch.bin')), CIFAR_SAMPLE).toBe(true);
  });

  it('covers grey, grey + alpha, RGB and RGBA, CIFAR images and plots', () => {
    expect(new Set(cases.map((c) => c.channels))).toEqual(new Set([1, 2, 3, 4]));
    expect(cases.filter((c) => c.recipe.kind === 'plot').length).toBeGreaterThanOrEqual(2);
    expect(cases.filter((c) => c.recipe.kind === 'cifar').length).toBeGreaterThanOrEqual(5);
  });

  for (const c of cases) {
    it(`${c.name}: ${c.width}×${c.height}, PIL ${c.pilBytes} bytes`, () => {
      const px = buildPixels(c.recipe);
      expect([px.width, px.height, px.channels]).toEqual([c.width, c.height, c.channels]);
      expect(createHash('sha256').update(px.data).digest('hex'), 'the fixture script built other pixels').toBe(
        c.sha256,
      );
      if (c.recipe.kind === 'plot' && c.channels === 3) {
        // The committed plot is PIL's own save of these pixels.
        expect(statSync(join(FIXTURES, 'png', c.recipe.file)).size).toBe(c.pilBytes);
      }
      const png = encodePng(px);
      const back = decode(png);
      expect([back.width, back.height, back.channels, back.depth]).toEqual([c.width, c.height, c.channels, 8]);
      expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(px.data)), 'lossless').toBe(true);
      expect(png.length).toBeLessThanOrEqual(1.1 * c.pilBytes);
    });
  }
});
