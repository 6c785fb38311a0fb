import { beforeAll, describe, expect, it } from 'vitest';
import { backward, nn, noGrad, tf, useBackend } from '../src/index.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';

for (const backend of TEST_BACKENDS) {
  describe(`BatchNorm state on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it("has PyTorch's state dict names, shapes, dtypes and starting values", () => {
      const bn = new nn.BatchNorm2d(3);
      const sd = bn.stateDict();
      expect(Object.keys(sd)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
      expect(sd.weight!.arraySync()).toEqual([1, 1, 1]);
      expect(sd.bias!.arraySync()).toEqual([0, 0, 0]);
      expect(sd.running_mean!.arraySync()).toEqual([0, 0, 0]);
      expect(sd.running_var!.arraySync()).toEqual([1, 1, 1]);
      expect(sd.num_batches_tracked!.dtype).toBe('int32');
      expect(sd.num_batches_tracked!.shape).toEqual([]);
      expect(Object.keys(new nn.BatchNorm1d(2, { affine: false, trackRunningStats: false }).stateDict())).toEqual([]);
    });

    it('counts batches in training (under noGrad too) and leaves the statistics alone in eval', () => {
      const bn = new nn.BatchNorm1d(2);
      const x = tf.tensor2d([
        [1, 2],
        [3, 8],
        [5, 5],
      ]);
      bn.call(x);
      noGrad(() => bn.call(x));
      expect(bn.getBuffer('num_batches_tracked').arraySync()).toBe(2);
      const mean = bn.getBuffer('running_mean').arraySync() as number[];
      // two updates with momentum 0.1 towards the batch mean [3, 5]
      expect(mean[0]).toBeCloseTo(3 * (1 - 0.9 ** 2), 6);
      expect(mean[1]).toBeCloseTo(5 * (1 - 0.9 ** 2), 6);
      bn.eval();
      bn.call(x);
      expect(bn.getBuffer('num_batches_tracked').arraySync()).toBe(2);
      expect(bn.getBuffer('running_mean').arraySync()).toEqual(mean);
    });

    it('keeps updating after loadStateDict and resetRunningStats', () => {
      const a = new nn.BatchNorm1d(2);
      const b = new nn.BatchNorm1d(2);
      const x = tf.tensor2d([
        [1, 2],
        [3, 8],
        [5, 5],
      ]);
      a.call(x);
      b.loadStateDict(a.stateDict());
      b.call(x);
      expect(b.getBuffer('num_batches_tracked').arraySync()).toBe(2);
      b.resetRunningStats();
      expect(b.getBuffer('running_mean').arraySync()).toEqual([0, 0]);
      b.call(x);
      expect(b.getBuffer('num_batches_tracked').arraySync()).toBe(1);
    });

    it('does not leak tensors across training steps', () => {
      const net = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.BatchNorm2d(3, { momentum: null }), new nn.ReLU());
      const x = tf.randomNormal([4, 2, 6, 6], 0, 1, 'float32', 1);
      const step = () => {
        net.zeroGrad();
        backward(() => tf.sum(net.call(x)), net.parameters());
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      net.eval();
      noGrad(() => net.call(x)).dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
