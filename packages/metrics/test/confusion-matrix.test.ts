import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFixed } from '../src/format-fixed.js';
import { ConfusionMatrix } from '../src/index.js';
import { countDownloads, expectNoLeak, loadFixture, TEST_BACKENDS } from './helpers.js';

const fixture = loadFixture();

function expectAllClose(actual: number[] | number[][], expected: number[] | number[][], label: string): void {
  const a = actual.flat();
  const e = expected.flat();
  expect(a.length, `${label} length`).toBe(e.length);
  for (let i = 0; i < e.length; i++)
    expect(Math.abs(a[i]! - e[i]!), `${label}[${i}]: ${a[i]} vs ${e[i]}`).toBeLessThan(1e-12);
}

describe('ConfusionMatrix (host arrays)', () => {
  // sklearn's confusion_matrix docstring example
  const yTrue = [2, 0, 2, 2, 0, 1];
  const yPred = [0, 0, 2, 2, 0, 2];

  it('counts rows = true class, columns = predicted class (hand-computed)', () => {
    const cm = new ConfusionMatrix(3).update(yPred, yTrue);
    expect(cm.matrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(cm.total).toBe(6);
    expect(cm.support()).toEqual([2, 1, 3]);
    expect(cm.predicted()).toEqual([3, 0, 3]);
    // precision: 2/3, 0/0 → 0, 2/3; recall: 2/2, 0/1, 2/3; f1: 2·2/(4+1)=0.8, 0, 2·2/(4+2)
    expectAllClose(cm.precision(), [2 / 3, 0, 2 / 3], 'precision');
    expectAllClose(cm.recall(), [1, 0, 2 / 3], 'recall');
    expectAllClose(cm.f1(), [0.8, 0, 2 / 3], 'f1');
    expect(cm.accuracy()).toBeCloseTo(4 / 6, 12);
    const macro = cm.macroAvg();
    expect(macro.precision).toBeCloseTo(4 / 9, 12);
    expect(macro.recall).toBeCloseTo(5 / 9, 12);
    expect(macro.support).toBe(6);
    expect(cm.weightedAvg().f1).toBeCloseTo((0.8 * 2 + 0 + (2 / 3) * 3) / 6, 12);
    expectAllClose(
      cm.normalized('true'),
      [
        [1, 0, 0],
        [0, 0, 1],
        [1 / 3, 0, 2 / 3],
      ],
      'normalized true',
    );
    expectAllClose(
      cm.normalized('pred'),
      [
        [2 / 3, 0, 0],
        [0, 0, 1 / 3],
        [1 / 3, 0, 2 / 3],
      ],
      'normalized pred',
    );
  });

  it('accumulates across updates, argmaxes nested logits, and resets', () => {
    const cm = new ConfusionMatrix(3);
    cm.update(yPred.slice(0, 4), yTrue.slice(0, 4));
    cm.update(
      [
        [5, 1, 0], // → 0
        [0, 1, 2], // → 2
      ],
      Int32Array.from(yTrue.slice(4)),
    );
    expect(cm.matrix).toEqual(new ConfusionMatrix(3).update(yPred, yTrue).matrix);
    cm.reset();
    expect(cm.total).toBe(0);
    expect(cm.precision()).toEqual([0, 0, 0]);
    expect(cm.accuracy()).toBe(0);
    expect(cm.weightedAvg()).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('rejects bad batches without changing the counts, naming both shapes', () => {
    const cm = new ConfusionMatrix(3).update([0, 1], [0, 1]);
    const before = cm.matrix;
    expect(() => cm.update([0, 1, 2], [0, 1])).toThrow(
      'ConfusionMatrix.update: preds has shape [3] but targets has shape [2]',
    );
    expect(() => cm.update([0, 1, 2], [0, 3, 1])).toThrow(
      'ConfusionMatrix.update: targets has label 3 outside [0, 3) (preds has shape [3], targets has shape [3])',
    );
    expect(() => cm.update([0, -1], [0, 1])).toThrow('preds has label -1 outside [0, 3)');
    expect(() => cm.update([0, 1.5], [0, 1])).toThrow('preds has label 1.5 outside [0, 3)');
    expect(() => cm.update([[1, 2]], [0])).toThrow('preds row 0 has 2 scores, expected 3');
    expect(cm.matrix).toEqual(before);
    expect(() => new ConfusionMatrix(3, { classNames: ['a', 'b'] })).toThrow('2 classNames given for 3 classes');
    expect(() => new ConfusionMatrix(0)).toThrow(/positive integer/);
    expect(() => cm.normalized('rows' as 'true')).toThrow(/expected 'true', 'pred' or 'all'/);
  });

  it('prints an aligned table with the class names', () => {
    const cm = new ConfusionMatrix(3, { classNames: ['cat', 'dog', 'hippopotamus'] });
    const preds = [...Array(120).fill(1), 0, 2, 2];
    const targets = [...Array(120).fill(1), 0, 0, 2];
    cm.update(preds, targets);
    const lines = cm.toString().split('\n');
    expect(lines).toEqual([
      // first column as wide as the widest name, then each column as wide as its name or its largest count
      'true \\ pred   cat  dog  hippopotamus',
      'cat             1    0             1',
      'dog             0  120             0',
      'hippopotamus    0    0             1',
    ]);
  });

  it('formats numbers exactly as Python does, ties to even', () => {
    expect(fixture.formatFixed.length).toBeGreaterThan(100);
    for (const { x, digits, text } of fixture.formatFixed)
      expect(formatFixed(x, digits), `${x} with ${digits}`).toBe(text);
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
  });
});

describe.each(TEST_BACKENDS)('ConfusionMatrix against scikit-learn on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: matrix, per-class scores, averages, normalisation and report`, async () => {
      const n = c.labels.length;
      const cm = new ConfusionMatrix(c.numClasses, { classNames: c.classNames });
      // logits tensors in uneven batches of 64, as an evaluation loop feeds them
      const counter = countDownloads();
      let updates = 0;
      try {
        for (let start = 0; start < n; start += 64) {
          const end = Math.min(start + 64, n);
          const logits = tf.tensor2d(c.logits.slice(start * c.numClasses, end * c.numClasses), [
            end - start,
            c.numClasses,
          ]);
          const targets = tf.tensor1d(c.labels.slice(start, end), 'int32');
          await expectNoLeak(() => cm.update(logits, targets));
          updates++;
          tf.dispose([logits, targets]);
        }
        expect(counter.tensorReads()).toBe(updates);
      } finally {
        counter.restore();
      }
      expect(cm.matrix).toEqual(c.matrix);
      expectAllClose(cm.precision(), c.precision, 'precision');
      expectAllClose(cm.recall(), c.recall, 'recall');
      expectAllClose(cm.f1(), c.f1, 'f1');
      expect(cm.support()).toEqual(c.support);
      expect(cm.accuracy()).toBeCloseTo(c.accuracy, 14);
      for (const [ours, theirs] of [
        [cm.macroAvg(), c.macro],
        [cm.weightedAvg(), c.weighted],
      ] as const) {
        expectAllClose([ours.precision, ours.recall, ours.f1], [theirs.precision, theirs.recall, theirs.f1], 'average');
        expect(ours.support).toBe(n);
      }
      for (const over of ['true', 'pred', 'all'] as const)
        expectAllClose(cm.normalized(over), c.normalized[over], over);
      expect(cm.report()).toBe(c.report['2']);
      expect(cm.report({ digits: 4 })).toBe(c.report['4']);
      const json = JSON.parse(JSON.stringify(cm));
      expect(json.matrix).toEqual(c.matrix);
      expect(json.classNames).toEqual(c.classNames);
      expect(json.support).toEqual(c.support);

      // the same counts from predicted labels as arrays, and from label tensors
      expect(new ConfusionMatrix(c.numClasses).update(c.preds, c.labels).matrix).toEqual(c.matrix);
      const p = tf.tensor1d(c.preds, 'int32');
      const t = tf.tensor1d(c.labels);
      expect(new ConfusionMatrix(c.numClasses).update(p, t).matrix).toEqual(c.matrix);
      tf.dispose([p, t]);
    });
  }

  it('rejects logits with the wrong number of classes or rank, naming both shapes', async () => {
    const cm = new ConfusionMatrix(10);
    const logits = tf.zeros([64, 12]);
    const cube = tf.zeros([64, 10, 2]);
    const y = tf.zeros([64], 'int32');
    const y32 = tf.zeros([32], 'int32');
    const logits10 = tf.zeros([64, 10]);
    await expectNoLeak(() => {
      expect(() => cm.update(logits, y)).toThrow(
        'ConfusionMatrix.update: preds must be labels [N] or logits [N, 10], but preds has shape [64, 12] and targets has shape [64]',
      );
      expect(() => cm.update(cube, y)).toThrow('preds has shape [64, 10, 2] and targets has shape [64]');
      expect(() => cm.update(logits10, y32)).toThrow(
        'ConfusionMatrix.update: preds has shape [64, 10] but targets has shape [32]',
      );
      expect(() => cm.update(logits10, [1, 2])).toThrow('preds has shape [64, 10] but targets has shape [2]');
    });
    expect(cm.total).toBe(0);
    tf.dispose([logits, cube, y, y32, logits10]);
  });
});
