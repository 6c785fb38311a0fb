import { beforeAll, describe, expect, it } from 'vitest';
import { backward, F, nn, tf, useBackend } from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('nn.ReLU({ inplace })', () => {
  it("accepts PyTorch's inplace: the same values and gradients as out of place, the input left as it was", () => {
    const x = tf.tensor([
      [-1.5, 0, 2],
      [3, -0.25, 0.5],
    ]);
    const before = x.arraySync();
    const inplace = new nn.ReLU({ inplace: true });
    const outOfPlace = new nn.ReLU();
    const y = inplace.call(x);
    expect(y.arraySync()).toEqual(outOfPlace.call(x).arraySync());
    expect(y.arraySync()).toEqual(F.relu(x).arraySync());
    // tfjs tensors are immutable: x is not overwritten, unlike PyTorch's in-place op
    expect(x.arraySync()).toEqual(before);

    const w = new nn.Parameter(tf.tensor([1, -2, 3]));
    backward(() => tf.sum(inplace.call(w.data)), [w]);
    expect(Array.from(w.grad!.dataSync())).toEqual([1, 0, 1]);
    w.dispose();
  });

  it('prints as PyTorch prints it', () => {
    expect(new nn.ReLU({ inplace: true }).toString()).toBe('ReLU(inplace=True)');
    expect(new nn.ReLU({ inplace: false }).toString()).toBe('ReLU()');
    expect(new nn.ReLU().toString()).toBe('ReLU()');
    expect(new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU({ inplace: true })).toString()).toContain(
      '(1): ReLU(inplace=True)',
    );
  });

  it("rejects PyTorch's positional nn.ReLU(True) and a non-boolean inplace loudly", () => {
    expect(() => new nn.ReLU(true as unknown as nn.ReLUOptions)).toThrow(
      'ReLU: expected an options object such as { inplace: true }, got true',
    );
    expect(() => new nn.ReLU({ inplace: 'yes' as unknown as boolean })).toThrow(
      'ReLU: inplace must be a boolean, got yes',
    );
  });
});
