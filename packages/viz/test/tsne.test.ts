// viz's exact t-SNE against scikit-learn 1.2's TSNE(method='exact') (tools/fixtures/tsne.py): the same joint
// probabilities, KL divergence and gradient, and the same run from the same initial embedding.
import { readFileSync } from 'node:fs';
import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tsne } from '../src/index.js';

interface Case {
  name: string;
  perplexity: number;
  nIter: number;
  x: number[][];
  labels: number[];
  init: number[][];
  p: number[];
  klAtInit: number;
  gradAtInit: number[];
  embedding: number[][];
  klDivergence: number;
  iterations: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/tsne.json', import.meta.url), 'utf8')) as {
  sklearn: string;
  cases: Case[];
};

beforeAll(async () => {
  await useBackend('cpu');
});

/** max |a − b| / max |b|: the error relative to the values' scale. */
function relError(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return err / scale;
}

/** The fraction of points whose nearest neighbour in `y` has the same label. */
function neighbourAgreement(y: number[][], labels: number[]): number {
  let same = 0;
  y.forEach((a, i) => {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    y.forEach((b, j) => {
      if (i === j) return;
      const d = (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2;
      if (d < bestD) [best, bestD] = [j, d];
    });
    if (labels[best] === labels[i]) same++;
  });
  return same / y.length;
}

describe(`tsne (against scikit-learn ${fixture.sklearn})`, () => {
  for (const c of fixture.cases) {
    describe(c.name, () => {
      it('follows sklearn from the same initial embedding: embedding, KL divergence, iterations', () => {
        const r = tsne(c.x, { perplexity: c.perplexity, nIter: c.nIter, init: c.init });
        expect(r.nIter).toBe(c.iterations);
        expect(Math.abs(r.klDivergence - c.klDivergence) / c.klDivergence).toBeLessThan(1e-5);
        // bit-equal here; the slack is for another libm's exp/log/pow
        expect(relError(r.embedding.flat(), c.embedding.flat())).toBeLessThan(1e-6);
      });

      it('reports progress every 50 iterations and at the end', () => {
        const seen: number[] = [];
        tsne(c.x, { perplexity: c.perplexity, nIter: 250, init: c.init, onProgress: (p) => seen.push(p.iteration) });
        expect(seen).toEqual([50, 100, 150, 200, 250, 250]);
      });
    });
  }

  it("separates clusters from its own 'pca' and seeded 'random' starts", () => {
    const c = fixture.cases[0]!;
    for (const init of ['pca', 'random'] as const) {
      const r = tsne(tf.tensor2d(c.x), { perplexity: c.perplexity, nIter: 300, init, seed: 3 });
      expect(neighbourAgreement(r.embedding, c.labels)).toBeGreaterThan(0.95);
      expect(r.klDivergence).toBeLessThan(1.5 * c.klDivergence);
    }
    const a = tsne(c.x, { perplexity: c.perplexity, nIter: 250, init: 'random', seed: 7 });
    const b = tsne(c.x, { perplexity: c.perplexity, nIter: 250, init: 'random', seed: 7 });
    expect(a.embedding).toEqual(b.embedding);
  });

  it('names the bad argument', () => {
    const x = fixture.cases[0]!.x;
    expect(() => tsne(x, { perplexity: 90 })).toThrow(/perplexity \(90\) must be less than the number of rows \(90\)/);
    expect(() => tsne(x, { nIter: 100 })).toThrow(/nIter must be an integer of at least 250, got 100/);
    expect(() => tsne(x, { init: [[0, 0]] })).toThrow(/init must be \[90\]\[2\]/);
    expect(() => tsne(x, { learningRate: Number.NaN })).toThrow(/learningRate must be a positive number/);
    expect(() => tsne([[1, 2], [3]])).toThrow(/tsne: row 1 has 1 values, expected 2/);
  });
});
