import { beforeAll, describe, expect, it } from 'vitest';
import { argmax, backward, gather, item, nn, tf, useBackend } from '../src/index.js';
import { expectClose, type JsonTensor, loadFixture, TEST_BACKENDS, toTensor } from './helpers/fixtures.js';

/** A tensor whose NaN and ±inf the fixture writes as strings. */
interface EncodedTensor {
  shape: number[];
  dtype: string;
  data: (number | 'NaN' | 'Infinity' | '-Infinity')[];
}
interface TensorOpsFixture {
  inputs: Record<string, EncodedTensor>;
  argmax: { input: string; dim: number | null; keepdim: boolean; out: JsonTensor }[];
  item: { tensor: JsonTensor; item: number | boolean }[];
  item_errors: Record<string, string>;
}

const fixture = loadFixture<TensorOpsFixture>('tensor_ops').cases;

function decode(t: EncodedTensor): tf.Tensor {
  const data = t.data.map((x) => (typeof x === 'number' ? x : Number(x)));
  return toTensor({ ...t, data });
}

for (const backend of TEST_BACKENDS) {
  describe(`argmax on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('gives PyTorch 1.13 indices for every dim, with and without keepdim (ties, NaN, ±inf, 0-d, int)', () => {
      expect(fixture.argmax.length).toBeGreaterThan(60);
      for (const c of fixture.argmax) {
        const x = decode(fixture.inputs[c.input]!);
        const out = argmax(x, c.dim, { keepdim: c.keepdim });
        const label = `argmax(${c.input}, dim ${c.dim}, keepdim ${c.keepdim})`;
        expect(out.shape, label).toEqual(c.out.shape);
        expect(out.dtype, label).toBe('int32');
        expect(Array.from(out.dataSync()), label).toEqual(c.out.data);
        const viaOptions = argmax(x, { dim: c.dim, keepdim: c.keepdim });
        expect(Array.from(viaOptions.dataSync()), `${label} (options)`).toEqual(c.out.data);
        tf.dispose([x, out, viaOptions]);
      }
    });

    it('leaves no tensor behind but its result', () => {
      const x = tf.tensor([
        [1, Number.NaN, 3],
        [4, 5, 6],
      ]);
      const before = tf.memory().numTensors;
      const out = argmax(x, 1, { keepdim: true });
      expect(tf.memory().numTensors).toBe(before + 1);
      tf.dispose([x, out]);
    });
  });
}

describe('argmax and item errors', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('argmax names the dim and the shape', () => {
    const x = tf.zeros([2, 3]);
    expect(() => argmax(x, 2)).toThrow(
      'argmax: dimension out of range (expected to be in range of [-2, 1], but got 2)',
    );
    expect(() => argmax(tf.zeros([2, 0]), 1)).toThrow(
      'argmax: Expected reduction dim 1 to have non-zero size (input shape [2, 0])',
    );
    expect(() => argmax(tf.zeros([0]))).toThrow('argmax: Expected reduction dim to be specified for an empty input');
  });

  it('item returns the number PyTorch gives, from any one-element shape', () => {
    for (const c of fixture.item) {
      const t = toTensor(c.tensor);
      expect(item(t), JSON.stringify(c.tensor)).toBe(typeof c.item === 'boolean' ? Number(c.item) : c.item);
      t.dispose();
    }
  });

  it('item refuses other shapes, naming the element count and the shape', () => {
    // PyTorch: 'only one element tensors can be converted to Python scalars'; here the count and shape are named too
    expect(fixture.item_errors['2x3']).toBe('only one element tensors can be converted to Python scalars');
    expect(() => item(tf.zeros([2, 3]))).toThrow(
      'item: a Tensor with 6 elements cannot be converted to a number (shape [2, 3])',
    );
    expect(() => item(tf.zeros([0]))).toThrow(
      'item: a Tensor with 0 elements cannot be converted to a number (shape [0])',
    );
    expect(() => item(3 as unknown as tf.Tensor)).toThrow('item: expected a tensor, got number');
  });
});

interface GatherCase {
  name: string;
  input: JsonTensor;
  dim: number;
  index: JsonTensor;
  out: JsonTensor;
  g: JsonTensor;
  grad: JsonTensor;
}
const gathers = loadFixture<{ gather: GatherCase[]; gather_error: string }>('tensor_ops').cases;

for (const backend of TEST_BACKENDS) {
  describe(`gather on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const c of gathers.gather) {
      it(`${c.name}: values and the input gradient of sum(out · g) as PyTorch 1.13`, () => {
        const x = new nn.Parameter(toTensor(c.input));
        const index = toTensor(c.index);
        const g = toTensor(c.g);
        let out: tf.Tensor | undefined;
        backward(() => {
          out = tf.keep(gather(x.data, c.dim, index));
          return tf.sum(tf.mul(out, g));
        }, [x]);
        expectClose(out!, c.out, { label: `${c.name} out` });
        expectClose(x.grad!, c.grad, { label: `${c.name} grad` });
        tf.dispose([out!, index, g]);
        x.dispose();
      });
    }

    it("names an index out of bounds in PyTorch's words, and a wrong index", () => {
      const x = tf.zeros([2, 3]);
      expect(() => gather(x, 1, tf.tensor([[0, 3]], undefined, 'int32'))).toThrow(gathers.gather_error);
      expect(() => gather(x, 1, tf.tensor([[0, 1]]))).toThrow(/index must be an int32 tensor, got float32/);
      expect(() => gather(x, 2, tf.tensor([[0]], undefined, 'int32'))).toThrow(/dim 2 is out of range for a 2-d input/);
      expect(() => gather(x, 1, tf.zeros([3, 1], 'int32'))).toThrow(/larger than input \[2, 3\] in dimension 0/);
    });
  });
}
