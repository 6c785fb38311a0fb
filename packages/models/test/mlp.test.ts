import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MLP } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

describe('MLP', () => {
  it("is 784-250-100-10 under the tutorial's field names, 222,360 parameters", () => {
    const model = new MLP();
    const params = model.namedParameters();
    expect(params.map(([name, p]) => [name, p.data.shape])).toEqual([
      ['input_fc.weight', [250, 784]],
      ['input_fc.bias', [250]],
      ['hidden_fc.weight', [100, 250]],
      ['hidden_fc.bias', [100]],
      ['output_fc.weight', [10, 100]],
      ['output_fc.bias', [10]],
    ]);
    expect(params.reduce((n, [, p]) => n + p.data.size, 0)).toBe(222_360);
    model.dispose();
  });

  it('returns the logits and the non-negative h_2 for [N, 1, 28, 28] images', () => {
    const model = new MLP();
    const x = tf.randomUniform([4, 1, 28, 28], -1, 1, 'float32', 3);
    const [logits, h2] = model.forward(x);
    expect(logits.shape).toEqual([4, 10]);
    expect(h2.shape).toEqual([4, 100]);
    const lowest = h2.min();
    expect(lowest.dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([x, logits, h2, lowest]);
    model.dispose();
  });

  it('takes other input and output sizes, positionally as the tutorial or as options', () => {
    const byOptions = new MLP({ inputDim: 12, numClasses: 3 });
    expect(byOptions.namedParameters().map(([name, p]) => [name, p.data.shape])).toEqual([
      ['input_fc.weight', [250, 12]],
      ['input_fc.bias', [250]],
      ['hidden_fc.weight', [100, 250]],
      ['hidden_fc.bias', [100]],
      ['output_fc.weight', [3, 100]],
      ['output_fc.bias', [3]],
    ]);
    byOptions.dispose();
    expect(() => new MLP({ inputDim: 0 })).toThrow('MLP: inputDim must be a positive integer, got 0');
    const model = new MLP(12, 3);
    const x = tf.zeros([2, 12]);
    const [logits, h2] = model.forward(x);
    expect([logits.shape, h2.shape]).toEqual([
      [2, 3],
      [2, 100],
    ]);
    tf.dispose([x, logits, h2]);
    model.dispose();
  });
});
