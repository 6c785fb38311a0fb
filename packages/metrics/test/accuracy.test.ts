import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, accuracyRate, topKAccuracy } from '../src/index.js';
import { caseTensors, countDownloads, expectNoLeak, loadFixture, TEST_BACKENDS } from './helpers.js';

const fixture = loadFixture();

describe.each(TEST_BACKENDS)('accuracy on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('counts argmax hits for 2-D logits (hand-computed)', async () => {
    const yHat = tf.tensor2d([
      [0.1, 0.9, 0.0],
      [0.8, 0.1, 0.1],
      [0.3, 0.3, 0.4],
      [0.2, 0.5, 0.3],
    ]);
    const y = tf.tensor1d([1, 0, 0, 1], 'int32');
    const yf = tf.tensor1d([1, 0, 2, 2]);
    const y2 = tf.tensor2d([[1], [0], [0], [1]], [4, 1], 'int32');
    await expectNoLeak(() => {
      expect(accuracy(yHat, y)).toBe(3);
      expect(accuracyRate(yHat, y)).toBeCloseTo(0.75, 12);
      // float labels: argmax is cast to y's dtype (d2l's y_hat.type(y.dtype))
      expect(accuracy(yHat, yf)).toBe(3);
      // [N, 1] labels are accepted as [N]
      expect(accuracy(yHat, y2)).toBe(3);
    });
    tf.dispose([yHat, y, yf, y2]);
  });

  it('compares 1-D predictions and [N, 1] columns directly after casting to y.dtype', async () => {
    const preds = tf.tensor1d([2, 0, 1, 1, 3], 'int32');
    const y = tf.tensor1d([2, 1, 1, 0, 3], 'int32');
    const scores = tf.tensor2d([[1.7], [0.2], [1.0], [0.6], [3.2]]);
    const yScores = tf.tensor1d([1, 1, 1, 0, 3], 'int32');
    await expectNoLeak(() => {
      expect(accuracy(preds, y)).toBe(3);
      expect(accuracyRate(preds, y)).toBeCloseTo(0.6, 12);
      // float scores cast to int32 labels truncate, as torch's .type(torch.long): 1, 0, 1, 0, 3 against 1, 1, 1, 0, 3
      // (rounding would give 2, 0, 1, 1, 3 and only 2 hits)
      expect(accuracy(scores, yScores)).toBe(4);
    });
    tf.dispose([preds, y, scores, yScores]);
  });

  it('matches the fixture accuracy and torch top-k accuracy', async () => {
    for (const c of fixture.cases) {
      const { logits, labels } = caseTensors(c);
      const n = c.labels.length;
      await expectNoLeak(() => {
        expect(accuracy(logits, labels), c.name).toBe(Math.round(c.accuracy * n));
        expect(accuracyRate(logits, labels), c.name).toBeCloseTo(c.accuracy, 12);
        expect(Object.keys(c.topk).length).toBeGreaterThanOrEqual(2);
        for (const [k, expected] of Object.entries(c.topk)) {
          expect(topKAccuracy(logits, labels, Number(k)), `${c.name} top-${k}`).toBeCloseTo(expected, 12);
          expect(topKAccuracy(logits, labels, Number(k), { normalize: false })).toBe(Math.round(expected * n));
        }
      });
      tf.dispose([logits, labels]);
    }
  });

  it('downloads one small vector per call, never the logits', async () => {
    const { logits, labels } = caseTensors(fixture.cases[0]!);
    const counter = countDownloads();
    try {
      await expectNoLeak(() => {
        accuracy(logits, labels);
        expect(counter.tensorReads()).toBe(1);
        expect(counter.engineReads()).toBe(1);
        topKAccuracy(logits, labels, 3);
        accuracyRate(logits, labels);
        expect(counter.tensorReads()).toBe(3);
        expect(counter.engineReads()).toBe(3);
      });
    } finally {
      counter.restore();
    }
    tf.dispose([logits, labels]);
  });

  it('returns 0 correct (and NaN as a rate) for an empty batch', async () => {
    const yHat = tf.zeros([0, 4]);
    const y = tf.zeros([0], 'int32');
    await expectNoLeak(() => {
      expect(accuracy(yHat, y)).toBe(0);
      expect(accuracyRate(yHat, y)).toBeNaN();
      expect(topKAccuracy(yHat, y, 2, { normalize: false })).toBe(0);
    });
    tf.dispose([yHat, y]);
  });

  it('rejects mismatched shapes, naming both', async () => {
    const yHat = tf.zeros([64, 10]);
    const y = tf.zeros([32], 'int32');
    const yHat3 = tf.zeros([64, 10, 2]);
    const y64 = tf.zeros([64], 'int32');
    const flat = tf.zeros([64]);
    const preds = tf.zeros([5], 'int32');
    await expectNoLeak(() => {
      expect(() => accuracy(yHat, y)).toThrow('accuracy: yHat has shape [64, 10] but y has shape [32]');
      expect(() => accuracyRate(yHat, y)).toThrow('accuracyRate: yHat has shape [64, 10] but y has shape [32]');
      expect(() => topKAccuracy(yHat, y, 5)).toThrow('topKAccuracy: yHat has shape [64, 10] but y has shape [32]');
      expect(() => accuracy(yHat3, y64)).toThrow(/yHat has shape \[64, 10, 2\] and y has shape \[64\]/);
      expect(() => topKAccuracy(flat, y64, 1)).toThrow(
        'topKAccuracy: yHat must be 2-D logits [N, C], but yHat has shape [64] and y has shape [64]',
      );
      expect(() => accuracy(preds, y64)).toThrow('accuracy: yHat has shape [5] but y has shape [64]');
    });
    tf.dispose([yHat, y, yHat3, y64, flat, preds]);
  });

  it('rejects labels out of range, non-integer labels and a bad k', async () => {
    const yHat = tf.zeros([4, 3]);
    const high = tf.tensor1d([0, 1, 3, 2], 'int32');
    const low = tf.tensor1d([0, -1, 2, 2], 'int32');
    const frac = tf.tensor1d([0, 1.5, 2, 2]);
    const ok = tf.tensor1d([0, 1, 2, 2], 'int32');
    await expectNoLeak(() => {
      expect(() => accuracy(yHat, high)).toThrow(
        'accuracy: y has label 3 outside [0, 3) (yHat has shape [4, 3] and y has shape [4])',
      );
      expect(() => accuracy(yHat, low)).toThrow('accuracy: y has label -1 outside [0, 3)');
      expect(() => topKAccuracy(yHat, high, 2)).toThrow('topKAccuracy: y has label 3 outside [0, 3)');
      expect(() => accuracy(yHat, frac)).toThrow('accuracy: y has 1 labels that are not whole numbers');
      expect(() => topKAccuracy(yHat, ok, 4)).toThrow(
        'topKAccuracy: k must be an integer in [1, 3] for yHat of shape [4, 3], got 4',
      );
      expect(() => topKAccuracy(yHat, ok, 0)).toThrow(/k must be an integer/);
    });
    tf.dispose([yHat, high, low, frac, ok]);
  });
});
