import { backward, nn, noGrad, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  type JsonTensor,
  loadFixture,
  TEST_BACKENDS,
  toTensor,
} from '../../core/test/helpers/fixtures.js';
import { tudui } from '../src/index.js';

/** A tensor stored as int8 multiples of a float32 scale (tools/fixtures/layers_cifar.py: quantize). */
interface Int8Tensor {
  shape: number[];
  scale: number;
  int8: string;
}

interface CifarFixture {
  repr: string;
  state: Record<string, Int8Tensor>;
  input: { shape: number[]; float32: string };
  output: JsonTensor;
  first_output: JsonTensor;
  g: JsonTensor;
  grads: Record<string, JsonTensor>;
  grad_stats: Record<string, { sum: number; norm: number; head: number[] }>;
}

const { cases: fx } = loadFixture<CifarFixture>('layers_cifar');

function fromInt8(t: Int8Tensor): tf.Tensor {
  const q = new Int8Array(Buffer.from(t.int8, 'base64'));
  // q·scale is exact in a double and rounds to PyTorch's float32 product on storing.
  return tf.tensor(
    Float32Array.from(q, (v) => v * t.scale),
    t.shape,
    'float32',
  );
}

function input(): tf.Tensor {
  const bytes = Buffer.from(fx.input.float32, 'base64');
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return tf.tensor(values, fx.input.shape, 'float32');
}

const cifarNet = tudui;

function loaded(): nn.Sequential {
  const model = cifarNet();
  const state = Object.fromEntries(Object.entries(fx.state).map(([k, v]) => [k, fromInt8(v)]));
  model.loadStateDict(state);
  tf.dispose(Object.values(state));
  return model;
}

describe('the tutorial CIFAR network', () => {
  it("prints exactly PyTorch's print(model)", () => {
    const model = cifarNet();
    expect(model.toString()).toBe(fx.repr);
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(fx.state));
    model.dispose();
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`the tutorial CIFAR network on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    // 800- and 1024-term dot products: float32 summation order differs from PyTorch's kernels.
    const tol = { rtol: 1e-4, atol: 1e-5 };

    it("gives PyTorch's logits from PyTorch's weights for a batch of 4", () => {
      const model = loaded().eval();
      const x = input();
      const out = noGrad(() => model.call(x));
      expectClose(out, fx.output, { ...tol, label: 'logits' });
      tf.dispose([x, out]);
      model.dispose();
    });

    it("gives PyTorch's input and parameter gradients for the first image", () => {
      const model = loaded();
      const batch = input();
      const x = new nn.Parameter(tf.slice(batch, 0, 1));
      const g = toTensor(fx.g);
      let out: tf.Tensor | undefined;
      backward(() => {
        out = tf.keep(model.call(x.data));
        return tf.sum(tf.mul(out, g));
      }, [...model.parameters(), x]);
      expectClose(out!, fx.first_output, { ...tol, label: 'first logits' });
      const params = Object.fromEntries([...model.namedParameters(), ['input', x] as const]);
      for (const [name, expected] of Object.entries(fx.grads)) {
        expectClose(params[name]!.grad!, expected, { ...tol, label: `${name} grad` });
      }
      for (const [name, s] of Object.entries(fx.grad_stats)) {
        const data = params[name]!.grad!.dataSync();
        let sum = 0;
        let sq = 0;
        for (const v of data) {
          sum += v;
          sq += v * v;
        }
        expectClose(Math.sqrt(sq), s.norm, { rtol: 1e-4, label: `${name} grad norm` });
        expectClose(sum, s.sum, { rtol: 1e-3, atol: 1e-4 * s.norm, label: `${name} grad sum` });
        const head = { shape: [s.head.length], dtype: 'float32', data: s.head };
        expectClose(tf.tensor(data.slice(0, s.head.length)), head, { ...tol, label: `${name} grad head` });
      }
      tf.dispose([out!, g, batch]);
      x.dispose();
      model.dispose();
    });

    it('keeps tf.memory().numTensors flat across forward and backward steps', () => {
      const model = loaded();
      const batch = input();
      const x = tf.slice(batch, 0, 1); // one image keeps the cpu backend's naive conv gradients quick
      const g = toTensor(fx.g);
      batch.dispose();
      const step = () => {
        model.zeroGrad();
        backward(() => tf.sum(tf.mul(model.call(x), g)), model.parameters());
        tf.tidy(() => model.call(x)).dispose();
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, g]);
      model.dispose();
    });
  });
}
