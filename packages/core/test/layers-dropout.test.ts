import { beforeAll, describe, expect, it } from 'vitest';
import { defaultGenerator, F, Generator, manualSeed, nn, tf, useBackend } from '../src/index.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';

for (const backend of TEST_BACKENDS) {
  describe(`Dropout on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('zeroes a fraction p and scales the rest by 1/(1 - p) in training', () => {
      const n = 200 * 500;
      for (const p of [0.3, 0.5, 0.8]) {
        const out = new nn.Dropout(p).call(tf.ones([200, 500]));
        const values = out.dataSync();
        let zeros = 0;
        let misScaled = 0;
        for (const v of values) {
          if (v === 0) zeros++;
          else if (Math.abs(v - 1 / (1 - p)) > 1e-6) misScaled++;
        }
        expect(misScaled).toBe(0);
        // the zero count is Binomial(n, p): four standard deviations either side
        expect(Math.abs(zeros / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
        out.dispose();
      }
    });

    it('is the identity in eval mode and for p = 0, and zero for p = 1', () => {
      const x = tf.randomNormal([4, 6], 0, 1, 'float32', 3);
      const layer = new nn.Sequential(new nn.Dropout(0.5)).eval();
      expect(layer.call(x).arraySync()).toEqual(x.arraySync());
      expect(F.dropout(x, { p: 0.5, training: false })).toBe(x);
      expect(new nn.Dropout(0).call(x).arraySync()).toEqual(x.arraySync());
      expect(Array.from(new nn.Dropout(1).call(x).dataSync()).every((v) => v === 0)).toBe(true);
    });

    it('draws reproducibly from the default generator under manualSeed, or from its own', () => {
      const x = tf.ones([64, 64]);
      const layer = new nn.Dropout(0.5);
      manualSeed(7);
      const a = layer.call(x).arraySync();
      const c = layer.call(x).arraySync();
      manualSeed(7);
      const b = layer.call(x).arraySync();
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);

      const own = new nn.Dropout({ p: 0.5, generator: new Generator(11) });
      const state = defaultGenerator.getState();
      const d = own.call(x).arraySync();
      expect(defaultGenerator.getState()).toEqual(state);
      const again = new nn.Dropout({ p: 0.5, generator: new Generator(11) }).call(x).arraySync();
      expect(again).toEqual(d);
    });

    it('passes the gradient through the kept elements, scaled', () => {
      const x = tf.ones([32, 32]);
      const layer = new nn.Dropout(0.25);
      manualSeed(3);
      const out = layer.call(x);
      manualSeed(3);
      const grad = tf.grad((v: tf.Tensor) => layer.call(v))(x);
      expect(grad.arraySync()).toEqual(out.arraySync());
    });

    it("prints PyTorch's repr", () => {
      expect(new nn.Dropout().toString()).toBe('Dropout(p=0.5, inplace=False)');
      expect(new nn.Dropout(0).toString()).toBe('Dropout(p=0.0, inplace=False)');
      expect(new nn.Dropout(1).toString()).toBe('Dropout(p=1.0, inplace=False)');
    });
  });
}

describe('Dropout2d', () => {
  it('zeroes whole channels, scales the kept ones by 1/(1-p), and is the identity in eval', async () => {
    await useBackend('cpu');
    manualSeed(3);
    const layer = new nn.Dropout2d(0.5);
    expect(layer.toString()).toBe('Dropout2d(p=0.5, inplace=False)');
    const x = tf.ones([8, 16, 3, 3]);
    const y = layer.call(x);
    const v = y.arraySync() as number[][][][];
    let zeroed = 0;
    for (const sample of v) {
      for (const ch of sample) {
        const flat = ch.flat();
        expect(new Set(flat).size).toBe(1); // one decision per channel
        expect([0, 2]).toContain(flat[0]);
        if (flat[0] === 0) zeroed++;
      }
    }
    expect(zeroed).toBeGreaterThan(128 * 0.3);
    expect(zeroed).toBeLessThan(128 * 0.7);
    layer.eval();
    expect(layer.call(x)).toBe(x);
    expect(() => F.dropout2d(tf.ones([4, 4]))).toThrow(/3-D or 4-D input, got shape \[4, 4\]/);
  });
});
