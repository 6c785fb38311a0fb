import { type nn, noGrad, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accumulator, accuracy, evaluate, evaluateAccuracy } from '../src/index.js';
import {
  countDownloads,
  crossEntropy,
  crossEntropyNone,
  expectNoLeak,
  FixedAffine,
  identity,
  loadFixture,
  SliceLoader,
  TEST_BACKENDS,
  TwoStage,
} from './helpers.js';

const fixture = loadFixture();

describe.each(TEST_BACKENDS)('evaluate on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('gives the per-sample mean loss and accuracy over uneven batches (hand-computed)', async () => {
    // logits [0, ln 3] give p = [1/4, 3/4]; a 2×2 identity model passes them through
    const l3 = Math.log(3);
    const x = tf.tensor2d([
      [0, l3],
      [0, l3],
      [l3, 0],
      [0, 0],
      [0, l3],
    ]);
    const y = tf.tensor1d([1, 0, 0, 1, 1], 'int32');
    const model = new FixedAffine(identity(2));
    // losses: -ln¾, -ln¼, -ln¾, -ln½ (argmax of a tie is class 0: wrong), -ln¾; correct: 1, 0, 1, 0, 1
    const expectedLoss = (-3 * Math.log(3 / 4) - Math.log(1 / 4) - Math.log(1 / 2)) / 5;
    await expectNoLeak(async () => {
      const r = await evaluate(model, new SliceLoader(x, y, 2), crossEntropy);
      expect(r.count).toBe(5);
      expect(r.accuracy).toBeCloseTo(3 / 5, 12);
      // batches of 2, 2, 1: mean × batch size keeps the last batch from weighing as much as a full one
      expect(r.loss).toBeCloseTo(expectedLoss, 6);
      expect(await evaluateAccuracy(model, new SliceLoader(x, y, 3))).toBeCloseTo(3 / 5, 12);
    });
    model.dispose();
    tf.dispose([x, y]);
  });

  it('matches torch cross-entropy and the fixture accuracy for mean, sum and none reductions', async () => {
    for (const c of fixture.cases) {
      const n = c.labels.length;
      const x = tf.tensor2d(c.logits, [n, c.numClasses]);
      const y = tf.tensor1d(c.labels, 'int32');
      const model = new FixedAffine(identity(c.numClasses));
      await expectNoLeak(async () => {
        const mean = await evaluate(model, new SliceLoader(x, y, 64), crossEntropy);
        const sum = await evaluate(model, new SliceLoader(x, y, 50), {
          reduction: 'sum',
          forward: (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.mul(crossEntropy(a, b), a.shape[0]!)),
        });
        const none = await evaluate(model, new SliceLoader(x, y, 33), crossEntropyNone);
        const optionSum = await evaluate(model, new SliceLoader(x, y, 77), (a, b) => tf.sum(crossEntropyNone(a, b)), {
          reduction: 'sum',
        });
        for (const r of [mean, sum, none, optionSum]) {
          expect(r.count).toBe(n);
          expect(r.accuracy).toBeCloseTo(c.accuracy, 12);
          expect(Math.abs(r.loss - c.crossEntropyMean), `${c.name}: ${r.loss} vs ${c.crossEntropyMean}`).toBeLessThan(
            2e-6,
          );
        }
        expect(await evaluateAccuracy(model, new SliceLoader(x, y, 64))).toBeCloseTo(c.accuracy, 12);
      });
      model.dispose();
      tf.dispose([x, y]);
    }
  });

  it('over 10,000 samples: at most one download per batch, no tensors left, eval mode + noGrad, mode restored', async () => {
    const n = 10_000;
    const classes = 10;
    const x = tf.randomNormal([n, classes], 0, 1, 'float32', 1);
    const y = tf.randomUniformInt([n], 0, classes, 2);
    const weight = tf.randomNormal([classes, classes], 0, 1, 'float32', 3);
    const model = new FixedAffine(weight.arraySync() as number[][]);
    weight.dispose();
    // the reference: one big batch through the same model, per-sample losses summed on the host in float64
    const [refCorrect, refLoss] = tf.tidy(() => {
      const logits = model.forward(x);
      const losses = Array.from(crossEntropyNone(logits, y).dataSync());
      return [
        tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')).dataSync()[0]!,
        losses.reduce((a, b) => a + b, 0) / n,
      ];
    });
    model.seen = [];
    model.train();

    for (const run of ['evaluateAccuracy', 'evaluate'] as const) {
      const loader = new SliceLoader(x, y, 128);
      const counter = countDownloads();
      const before = tf.memory().numTensors;
      let result: { loss?: number; accuracy: number; count?: number };
      try {
        result =
          run === 'evaluate'
            ? await evaluate(model, loader, crossEntropy)
            : { accuracy: await evaluateAccuracy(model, loader) };
        expect(counter.tensorReads(), `${run}: Tensor reads`).toBeLessThanOrEqual(loader.numBatches);
        expect(counter.engineReads(), `${run}: engine reads`).toBeLessThanOrEqual(loader.numBatches);
        expect(counter.engineReads()).toBeGreaterThan(0);
      } finally {
        counter.restore();
      }
      expect(tf.memory().numTensors, `${run}: tensors left behind`).toBe(before);
      expect(loader.yielded).toHaveLength(79);
      expect(loader.yielded.every(([bx, by]) => bx.isDisposed && by.isDisposed)).toBe(true);
      expect(result.accuracy).toBeCloseTo(refCorrect / n, 12);
      if (run === 'evaluate') {
        expect(result.count).toBe(n);
        expect(Math.abs(result.loss! - refLoss)).toBeLessThan(1e-5 * refLoss);
      }
      expect(model.seen).toHaveLength(79);
      expect(model.seen.every((s) => !s.training && !s.grad)).toBe(true);
      expect(model.training).toBe(true);
      model.seen = [];
    }
    model.dispose();
    tf.dispose([x, y]);
  });

  it("the README's d2l loop by hand (Accumulator + accuracy under noGrad) agrees with evaluateAccuracy", async () => {
    const c = fixture.cases[0]!;
    const n = c.labels.length;
    const x = tf.tensor2d(c.logits, [n, c.numClasses]);
    const y = tf.tensor1d(c.labels, 'int32');
    const model = new FixedAffine(identity(c.numClasses));
    const before = tf.memory().numTensors;
    model.eval();
    const metric = new Accumulator(2); // correct, count
    for await (const [bx, by] of new SliceLoader(x, y, 64)) {
      noGrad(() => {
        metric.add(accuracy(model.call(bx), by), by.size);
      });
      tf.dispose([bx, by]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(metric[1]).toBe(n);
    expect(metric.get(0) / metric.get(1)).toBeCloseTo(c.accuracy, 12);
    expect(await evaluateAccuracy(model, new SliceLoader(x, y, 64))).toBe(metric.get(0) / metric.get(1));
    model.dispose();
    tf.dispose([x, y]);
  });

  it('restores every module’s own training flag, also after an error, and frees the failing batch', async () => {
    const model = new TwoStage(3);
    model.train();
    model.second.eval(); // a frozen submodule kept in eval inside a training model
    const x = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const y = tf.tensor1d([0, 1, 2, 7], 'int32'); // the second batch has a label out of range
    const before = tf.memory().numTensors;
    const loader = new SliceLoader(x, y, 2);
    await expect(evaluate(model, loader, crossEntropy)).rejects.toThrow(
      'evaluate: y has label 7 outside [0, 3) (yHat has shape [2, 3] and y has shape [2])',
    );
    expect(model.training).toBe(true);
    expect(model.first.training).toBe(true);
    expect(model.second.training).toBe(false);
    expect(loader.yielded.every(([bx, by]) => bx.isDisposed && by.isDisposed)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);

    // an error thrown by the model itself (a 2×2 weight against 3 features)
    const broken = new FixedAffine(identity(2));
    broken.train();
    const withBroken = tf.memory().numTensors;
    const loader2 = new SliceLoader(x, y, 2);
    await expect(evaluateAccuracy(broken, loader2)).rejects.toThrow();
    expect(broken.training).toBe(true);
    expect(broken.seen[0]?.training).toBe(false);
    expect(tf.memory().numTensors).toBe(withBroken);
    broken.dispose();

    // an error from the loader between batches
    async function* failing() {
      yield [tf.tensor2d([[1, 0, 0]]), tf.tensor1d([0], 'int32')] as const;
      throw new Error('disk on fire');
    }
    await expect(evaluateAccuracy(model, failing())).rejects.toThrow('disk on fire');
    expect(model.second.training).toBe(false);
    expect(model.first.training).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('keeps the batches with disposeBatches: false, and accepts plain arrays and sync iterables', async () => {
    const model = new FixedAffine(identity(2));
    const batches = [
      [tf.tensor2d([[2, 1]]), tf.tensor1d([0], 'int32')],
      [
        tf.tensor2d([
          [0, 1],
          [3, 1],
        ]),
        tf.tensor1d([1, 1], 'int32'),
      ],
    ] as const;
    const before = tf.memory().numTensors;
    expect(await evaluateAccuracy(model, batches, { disposeBatches: false })).toBeCloseTo(2 / 3, 12);
    expect(await evaluateAccuracy(model, batches, { disposeBatches: false })).toBeCloseTo(2 / 3, 12);
    expect(tf.memory().numTensors).toBe(before);
    expect(batches.flat().some((t) => t.isDisposed)).toBe(false);
    expect(await evaluateAccuracy(model, new Set(batches))).toBeCloseTo(2 / 3, 12);
    expect(batches.flat().every((t) => t.isDisposed)).toBe(true);
    // an empty loader: nothing to average
    const empty = await evaluate(model, [], crossEntropy);
    expect(empty.count).toBe(0);
    expect(empty.loss).toBeNaN();
    model.dispose();
  });

  it('rejects bad input with messages naming the shapes', async () => {
    const model = new FixedAffine(identity(3));
    const x = tf.zeros([4, 3]);
    const yShort = tf.zeros([2], 'int32');
    const before = tf.memory().numTensors;
    await expect(evaluateAccuracy(model, [[x, yShort]], { disposeBatches: false })).rejects.toThrow(
      'evaluateAccuracy: yHat has shape [4, 3] but y has shape [2]',
    );
    await expect(
      evaluateAccuracy(model, [[x] as unknown as [tf.Tensor, tf.Tensor]], { disposeBatches: false }),
    ).rejects.toThrow('evaluateAccuracy: batch 0 is an array of length 1, expected [x, y] tensors');
    const yOk = tf.zeros([4], 'int32');
    await expect(
      evaluate(model, [[x, yOk]], (a: tf.Tensor) => tf.zeros([a.shape[0]! + 1]), { disposeBatches: false }),
    ).rejects.toThrow('evaluate: lossFn returned shape [5] for logits of shape [4, 3] and y of shape [4]');
    await expect(
      evaluate(model, [[x, yOk]], { forward: () => tf.scalar(1) } as never, { reduction: 'max' as 'sum' }),
    ).rejects.toThrow("unknown loss reduction 'max'");
    await expect(evaluateAccuracy({} as nn.Module, [])).rejects.toThrow('evaluateAccuracy: model must be an nn.Module');
    await expect(evaluateAccuracy(model, 5 as never)).rejects.toThrow('loader must be iterable');
    expect(tf.memory().numTensors).toBe(before + 1);
    model.dispose();
    tf.dispose([x, yShort, yOk]);
  });
});
