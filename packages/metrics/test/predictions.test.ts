import { nn, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPredictions, mostIncorrect } from '../src/index.js';
import { countDownloads, FixedAffine, identity, loadFixture, SliceLoader, TEST_BACKENDS } from './helpers.js';

const fixture = loadFixture();

/** Seed 004's model returns (y_pred, h); ours returns [logits, hidden] the same way. */
class TupleModel extends nn.Module {
  inner = new FixedAffine(identity(3));
  forward(x: tf.Tensor): tf.Tensor[] {
    const logits = this.inner.call(x);
    return [logits, tf.relu(logits)];
  }
}

describe.each(TEST_BACKENDS)('getPredictions on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: torch softmax probabilities, argmax predictions and seed 004's most-incorrect order`, async () => {
      const n = c.labels.length;
      const x = tf.tensor2d(c.logits, [n, c.numClasses]);
      const y = tf.tensor1d(c.labels, 'int32');
      const model = new FixedAffine(identity(c.numClasses));
      const loader = new SliceLoader(x, y, 64);
      const before = tf.memory().numTensors;
      const counter = countDownloads();
      let p: Awaited<ReturnType<typeof getPredictions>>;
      try {
        p = await getPredictions(model, loader);
        expect(counter.tensorReads()).toBe(loader.numBatches);
        expect(counter.engineReads()).toBe(loader.numBatches);
      } finally {
        counter.restore();
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(p.numClasses).toBe(c.numClasses);
      expect(Array.from(p.labels)).toEqual(c.labels);
      expect(Array.from(p.preds)).toEqual(c.preds);
      expect(p.images).toBeUndefined();
      expect(p.probs).toHaveLength(n);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < c.numClasses; j++)
          worst = Math.max(worst, Math.abs(p.probs[i]![j]! - c.probs[i * c.numClasses + j]!));
      }
      expect(worst).toBeLessThan(1e-6);

      const wrong = mostIncorrect(p);
      expect(wrong).toHaveLength(c.mostIncorrect.length);
      // same order as torch, except where two probabilities are within float32 noise of each other
      wrong.forEach((w, rank) => {
        const theirs = c.mostIncorrect[rank]!;
        if (w.index !== theirs) expect(Math.abs(w.predProb - p.probs[theirs]![p.preds[theirs]!]!)).toBeLessThan(1e-6);
        expect(w.label).toBe(c.labels[w.index]);
        expect(w.pred).toBe(c.preds[w.index]);
        expect(w.label).not.toBe(w.pred);
        expect(w.predProb).toBe(p.probs[w.index]![w.pred]);
        expect(w.trueProb).toBe(p.probs[w.index]![w.label]);
        expect(w.trueProb).toBeLessThan(w.predProb);
        if (rank > 0) expect(w.predProb).toBeLessThanOrEqual(wrong[rank - 1]!.predProb);
      });
      expect(new Set(wrong.map((w) => w.index))).toEqual(new Set(c.mostIncorrect));
      expect(mostIncorrect(p, 5)).toEqual(wrong.slice(0, 5));
      model.dispose();
      tf.dispose([x, y]);
    });
  }

  it('keeps the inputs per sample with keepInputs, takes the first output of a tuple model, restores the mode', async () => {
    const x = tf.tensor3d([[[1, 0, 0]], [[0, 2, 0]], [[0, 0, 3]], [[4, 0, 0]], [[0, 0, 5]]], [5, 1, 3]);
    const flat = tf.reshape(x, [5, 3]);
    const y = tf.tensor1d([0, 2, 2, 1, 2], 'int32');
    const model = new TupleModel();
    model.train();
    const before = tf.memory().numTensors;
    const p = await getPredictions(model, new SliceLoader(flat, y, 2), { keepInputs: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(model.inner.seen.every((s) => !s.training && !s.grad)).toBe(true);
    expect(Array.from(p.preds)).toEqual([0, 1, 2, 0, 2]);
    expect(p.inputShape).toEqual([3]);
    expect(p.images!.map((im) => Array.from(im))).toEqual((x.arraySync() as number[][][]).map((r) => r[0]));
    // hand-computed softmax of [4, 0, 0]: e⁴ / (e⁴ + 2)
    expect(p.probs[3]![0]).toBeCloseTo(Math.exp(4) / (Math.exp(4) + 2), 6);
    const wrong = mostIncorrect(p);
    expect(wrong.map((w) => [w.index, w.label, w.pred])).toEqual([
      [3, 1, 0], // p = e⁴/(e⁴+2) ≈ 0.965
      [1, 2, 1], // p = e²/(e²+2) ≈ 0.787
    ]);
    expect(Array.from(wrong[0]!.image!)).toEqual([4, 0, 0]);
    expect(wrong[1]!.trueProb).toBeCloseTo(1 / (Math.exp(2) + 2), 6);
    model.dispose();
    tf.dispose([x, flat, y]);
  });

  it('rejects logits that are not 2-D and labels out of range, naming the shapes', async () => {
    class Cube extends nn.Module {
      forward(x: tf.Tensor): tf.Tensor {
        return tf.reshape(x, [x.shape[0]!, 1, -1]);
      }
    }
    const x = tf.zeros([4, 3]);
    const y = tf.tensor1d([0, 1, 2, 3], 'int32');
    const y2 = tf.tensor1d([0, 1], 'int32');
    const model = new FixedAffine(identity(3));
    const before = tf.memory().numTensors;
    await expect(getPredictions(new Cube(), [[x, y]], { disposeBatches: false })).rejects.toThrow(
      "getPredictions: the model's logits must be 2-D [N, C], but they have shape [4, 1, 3] (y has shape [4])",
    );
    await expect(getPredictions(model, [[x, y2]], { disposeBatches: false })).rejects.toThrow(
      'getPredictions: logits have shape [4, 3] but y has shape [2]',
    );
    await expect(getPredictions(model, [[x, y]], { disposeBatches: false })).rejects.toThrow(
      'getPredictions: y has label 3 outside [0, 3) (logits have shape [4, 3], y has shape [4])',
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(() =>
      mostIncorrect({ labels: new Int32Array(), preds: new Int32Array(), probs: [], numClasses: 0 }, -1),
    ).toThrow(/k must be a non-negative integer/);
    model.dispose();
    tf.dispose([x, y, y2]);
  });
});
