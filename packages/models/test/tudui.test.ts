import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tudui, tudui } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const shapes = (entries: [string, { data: tf.Variable }][]) => entries.map(([name, p]) => [name, p.data.shape]);
const count = (entries: [string, { data: tf.Variable }][]) => entries.reduce((n, [, p]) => n + p.data.size, 0);

describe('tudui (the bare Sequential)', () => {
  it("has the tutorial's layers, PyTorch's parameter shapes and 145,578 parameters", () => {
    const model = tudui();
    expect(shapes(model.namedParameters())).toEqual([
      ['0.weight', [32, 3, 5, 5]],
      ['0.bias', [32]],
      ['2.weight', [32, 32, 5, 5]],
      ['2.bias', [32]],
      ['4.weight', [64, 32, 5, 5]],
      ['4.bias', [64]],
      ['7.weight', [64, 1024]],
      ['7.bias', [64]],
      ['8.weight', [10, 64]],
      ['8.bias', [10]],
    ]);
    // 2,432 + 25,632 + 51,264 convolution + 65,600 + 650 linear, as torchinfo counts the tutorial's Tudui
    expect(count(model.namedParameters())).toBe(145_578);
    model.dispose();
  });

  it('maps [N, 3, 32, 32] images to [N, 10] logits', () => {
    const model = tudui();
    const x = tf.zeros([2, 3, 32, 32]);
    const y = model.call(x);
    expect(y.shape).toEqual([2, 10]);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('Tudui (the tutorial class)', () => {
  it("names its state dict as the tutorial's model.0.weight, … and maps [N, 3, 32, 32] to [N, 10]", () => {
    const model = new Tudui();
    const names = model.namedParameters().map(([name]) => name);
    expect(names[0]).toBe('model.0.weight');
    expect(names.at(-1)).toBe('model.8.bias');
    expect(count(model.namedParameters())).toBe(145_578);
    const x = tf.zeros([3, 3, 32, 32]);
    const y = model.call(x);
    expect(y.shape).toEqual([3, 10]);
    tf.dispose([x, y]);
    model.dispose();
  });
});
