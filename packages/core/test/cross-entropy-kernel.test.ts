// The one-kernel cross entropy (CROSS_ENTROPY and its gradient kernel) against the op-by-op form it stands in for and
// against a float64 reference, on every test backend. Where a backend has no such kernel (wasm), crossEntropy runs
// the op-by-op form, which these tests then check against the reference; the kernel-only checks check that there is none.
import { beforeAll, describe, expect, it } from 'vitest';
import { F, nn, optim, tf, useBackend } from '../src/index.js';
import {
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  type CrossEntropyAttrs,
  hasCrossEntropyKernel,
} from '../src/kernels/cross-entropy.js';
import { classIndexCrossEntropy } from '../src/nn/losses/cross-entropy-loss.js';
import type { Reduction } from '../src/nn/losses/reduction.js';
import { expectClose, type JsonTensor, TEST_BACKENDS } from './helpers/fixtures.js';
import { rand, values } from './wasm-kernels-compare.js';

interface Inputs {
  name: string;
  shape: [number, number];
  logits: Float32Array;
  target: number[];
  ignoreIndex: number;
}

const INPUTS: Inputs[] = [
  {
    name: '7×5, ignoreIndex -100 hit',
    shape: [7, 5],
    logits: values(35, 1, -3, 3),
    target: [0, 4, -100, 2, 2, 1, 3],
    ignoreIndex: -100,
  },
  // ignoreIndex inside [0, C): class 2 is masked out wherever it is the target
  {
    name: '6×9, ignoreIndex 2 hit',
    shape: [6, 9],
    logits: values(54, 2, -2, 2),
    target: [2, 0, 8, 2, 5, 1],
    ignoreIndex: 2,
  },
  { name: 'N = 1, C = 3', shape: [1, 3], logits: values(3, 3, -1, 1), target: [1], ignoreIndex: -100 },
  {
    name: 'logits ±1e4',
    shape: [5, 7],
    logits: values(35, 4, -1e4, 1e4),
    target: [6, 0, 3, -100, 1],
    ignoreIndex: -100,
  },
];
const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];
const WEIGHT = (c: number) => values(c, 5, 0.2, 2);

interface Reference {
  loss: number[];
  /** d(Σ r·loss)/d(logits), r the per-row factor for 'none' and one scalar otherwise */
  grad: number[];
  /** the same derivative with respect to the class weight */
  weightGrad: number[];
}

/**
 * PyTorch's cross entropy in float64, from its definition: a_c = w_c·((1 - ε)·[c = y] + ε/C), ℓ = -Σ_c a_c·log p_c,
 * ∂ℓ/∂x_j = p_j·Σ_c a_c - a_j, mean = Σ ℓ / Σ w[y]; ignored rows contribute nothing, to the loss or the gradients.
 */
function reference(
  inputs: Inputs,
  weight: Float32Array | null,
  reduction: Reduction,
  eps: number,
  r: Float32Array,
): Reference {
  const [n, c] = inputs.shape;
  const x = inputs.logits;
  const loss = new Array<number>(n).fill(0);
  const grad = new Array<number>(n * c).fill(0);
  const g = new Array<number>(n * c).fill(0); // ∂ℓ_n/∂w_c
  let total = 0;
  const kept = inputs.target.map((t) => t !== inputs.ignoreIndex);
  for (let i = 0; i < n; i++) {
    if (!kept[i]) continue;
    const t = inputs.target[i]!;
    total += weight ? weight[t]! : 1;
    const row = Array.from(x.subarray(i * c, (i + 1) * c));
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    const q = row.map((_, j) => (j === t ? 1 - eps : 0) + eps / c);
    const a = q.map((qj, j) => (weight ? weight[j]! : 1) * qj);
    const sumA = a.reduce((s, v) => s + v, 0);
    row.forEach((v, j) => {
      loss[i]! -= a[j]! * (v - lse);
      grad[i * c + j] = Math.exp(v - lse) * sumA - a[j]!;
      g[i * c + j] = -q[j]! * (v - lse);
    });
  }
  const sum = loss.reduce((s, v) => s + v, 0);
  const rowScale = (i: number) => (reduction === 'none' ? r[i]! : reduction === 'sum' ? r[0]! : r[0]! / total);
  const weightGrad = new Array<number>(c).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      grad[i * c + j]! *= kept[i] ? rowScale(i) : 0;
      weightGrad[j]! += (reduction === 'none' ? r[i]! : 1) * g[i * c + j]!;
    }
  }
  if (reduction === 'mean') {
    const counts = new Array<number>(c).fill(0);
    inputs.target.forEach((t, i) => {
      if (kept[i]) counts[t]!++;
    });
    for (let j = 0; j < c; j++) weightGrad[j] = (r[0]! * (weightGrad[j]! - (sum / total) * counts[j]!)) / total;
  } else if (reduction === 'sum') {
    for (let j = 0; j < c; j++) weightGrad[j]! *= r[0]!;
  }
  return { loss: reduction === 'none' ? loss : [reduction === 'sum' ? sum : sum / total], grad, weightGrad };
}

const json = (t: tf.Tensor | number[], shape?: number[]): JsonTensor =>
  Array.isArray(t)
    ? { shape: shape ?? [t.length], dtype: 'float32', data: t }
    : { shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync()) };

/** expectClose on two read-back results, disposing the tensor it needs for that. */
function close(actual: JsonTensor, expected: JsonTensor, options: Parameters<typeof expectClose>[2]): void {
  const t = tf.tensor(actual.data, actual.shape);
  try {
    expectClose(t, expected, options);
  } finally {
    t.dispose();
  }
}

type Loss = (x: tf.Tensor, y: tf.Tensor, w: tf.Tensor | null) => tf.Tensor;

/** The loss, and the gradients of Σ r·loss with respect to the logits and the weight. */
function evaluate(loss: Loss, x: tf.Tensor, y: tf.Tensor, w: tf.Tensor | null, r: tf.Tensor) {
  const weighted = (xi: tf.Tensor, wi: tf.Tensor | null) => tf.sum(tf.mul(loss(xi, y, wi), r));
  const out = loss(x, y, w);
  const grad = tf.grad((xi: tf.Tensor) => weighted(xi, w))(x);
  const weightGrad = w ? tf.grad((wi: tf.Tensor) => weighted(x, wi))(w) : null;
  const result = { loss: json(out), grad: json(grad), weightGrad: weightGrad ? json(weightGrad) : null };
  tf.dispose([out, grad, ...(weightGrad ? [weightGrad] : [])]);
  return result;
}

async function kernelNames(fn: () => void): Promise<string[]> {
  const info = await tf.profile(fn);
  return info.kernels.map((k) => k.name).sort();
}

for (const backend of TEST_BACKENDS) {
  describe(`${CROSS_ENTROPY} on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('is registered with its gradient kernel where core provides it (cpu), and not on wasm', () => {
      const has = hasCrossEntropyKernel();
      expect(tf.getKernel(CROSS_ENTROPY_GRAD, tf.getBackend()) !== undefined).toBe(has);
      if (backend === 'cpu') expect(has).toBe(true);
      if (backend === 'wasm') expect(has).toBe(false);
      expect(tf.getGradient(CROSS_ENTROPY)?.inputsToSave).toEqual(['logits', 'target', 'weight']);
    });

    for (const inputs of INPUTS) {
      for (const reduction of REDUCTIONS) {
        for (const weighted of [false, true]) {
          for (const eps of [0, 0.1]) {
            const label = `${inputs.name}, ${reduction}, ${weighted ? 'weight' : 'no weight'}, ε ${eps}`;
            it(`matches the op-by-op form and the float64 reference: ${label}`, () => {
              const [n, c] = inputs.shape;
              const x = tf.tensor(inputs.logits, inputs.shape);
              const y = tf.tensor(inputs.target, [n], 'int32');
              const wv = weighted ? WEIGHT(c) : null;
              const w = wv ? tf.tensor(wv) : null;
              const rv = reduction === 'none' ? values(n, 6, 0.5, 1.5) : Float32Array.of(1.7);
              const r = reduction === 'none' ? tf.tensor(rv) : tf.scalar(rv[0]!);
              const options = { ignoreIndex: inputs.ignoreIndex, reduction, labelSmoothing: eps };
              const before = tf.memory().numTensors;
              const viaLoss = evaluate((xi, yi, wi) => F.crossEntropy(xi, yi, { ...options, weight: wi }), x, y, w, r);
              const opByOp = evaluate(
                (xi, yi, wi) => classIndexCrossEntropy(xi, yi, wi, inputs.ignoreIndex, reduction, eps),
                x,
                y,
                w,
                r,
              );
              expect(tf.memory().numTensors).toBe(before);
              const ref = reference(inputs, wv, reduction, eps, rv);
              const tol = { atol: 1e-6, rtol: 1e-6 };
              close(viaLoss.loss, opByOp.loss, { ...tol, label: `${label} loss` });
              close(viaLoss.grad, opByOp.grad, { ...tol, label: `${label} grad` });
              const refLoss = json(ref.loss, reduction === 'none' ? [n] : []);
              const refGrad = json(ref.grad, [n, c]);
              for (const [path, got] of [
                ['crossEntropy', viaLoss],
                ['op by op', opByOp],
              ] as const) {
                close(got.loss, refLoss, { ...tol, label: `${path} ${label} loss` });
                close(got.grad, refGrad, { ...tol, label: `${path} ${label} grad` });
                if (got.weightGrad) {
                  close(got.weightGrad, json(ref.weightGrad), { ...tol, label: `${path} ${label} weight grad` });
                }
              }
              if (hasCrossEntropyKernel()) {
                // float64 inside, one rounding to float32 at the end
                const tight = { atol: 1e-12, rtol: 2.5e-7 };
                close(viaLoss.loss, refLoss, { ...tight, label: `kernel ${label} loss` });
                close(viaLoss.grad, refGrad, { ...tight, label: `kernel ${label} grad` });
              }
              tf.dispose([x, y, r, ...(w ? [w] : [])]);
            });
          }
        }
      }
    }

    it('names the loss and the out-of-range target as checkClassTargets does', () => {
      const x = tf.zeros([4, 5]);
      const w = tf.ones([5]);
      const [t1, t2, t3, t4] = [
        [0, 5, 1, 1],
        [0, -1, 9, -100],
        [2, 2, 7, 0],
        [2, 2, 4, 0],
      ].map((t) => tf.tensor(t, undefined, 'int32')) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const before = tf.memory().numTensors;
      expect(() => new nn.CrossEntropyLoss().forward(x, t1)).toThrow(
        'CrossEntropyLoss: target 5 is out of bounds: expected class indices in [0, 5) or ignoreIndex -100 (input [4, 5], target [4])',
      );
      expect(() => F.crossEntropy(x, t2, { reduction: 'none' })).toThrow(
        'crossEntropy: target -1 is out of bounds: expected class indices in [0, 5) or ignoreIndex -100 (input [4, 5], target [4])',
      );
      // an ignoreIndex inside [0, C) excuses only itself
      expect(() => F.crossEntropy(x, t3, { ignoreIndex: 2, weight: w, labelSmoothing: 0.1 })).toThrow(
        'crossEntropy: target 7 is out of bounds: expected class indices in [0, 5) or ignoreIndex 2 (input [4, 5], target [4])',
      );
      expect(tf.memory().numTensors).toBe(before);
      F.crossEntropy(x, t4, { ignoreIndex: 2 }).dispose();
      tf.dispose([x, w, t1, t2, t3, t4]);
    });

    it('throws the range error from the kernel itself, where the backend has one (wasm by design has none)', () => {
      if (!hasCrossEntropyKernel()) {
        expect(tf.getBackend()).toBe('wasm');
        return;
      }
      const attrs: CrossEntropyAttrs = {
        ignoreIndex: -100,
        reduction: 'mean',
        labelSmoothing: 0,
        lossName: 'SomeLoss',
      };
      const logits = tf.zeros([3, 4]);
      const target = tf.tensor([1, 4, -100], undefined, 'int32');
      expect(() => tf.engine().runKernel(CROSS_ENTROPY, { logits, target }, attrs as never)).toThrow(
        'SomeLoss: target 4 is out of bounds: expected class indices in [0, 4) or ignoreIndex -100 (input [3, 4], target [3])',
      );
      tf.dispose([logits, target]);
    });

    it("gives NaN for an all-ignored 'mean' (0 for 'sum' and 'none'), and PyTorch's zero gradient", () => {
      const x = rand([3, 4], 7);
      const y = tf.tensor([-100, -100, -100], undefined, 'int32');
      for (const labelSmoothing of [0, 0.1]) {
        for (const weight of [null, tf.tensor([1, 2, 3, 4])]) {
          const options = { labelSmoothing, weight };
          expect(F.crossEntropy(x, y, options).dataSync()[0]).toBeNaN();
          expect(F.crossEntropy(x, y, { ...options, reduction: 'sum' }).dataSync()[0]).toBe(0);
          expect(Array.from(F.crossEntropy(x, y, { ...options, reduction: 'none' }).dataSync(), Math.abs)).toEqual([
            0, 0, 0,
          ]);
          // the op-by-op form gives NaN here (0·∞ in its mean's gradient); the kernel keeps ignored rows at zero
          if (hasCrossEntropyKernel()) {
            const grad = tf.grad((xi: tf.Tensor) => F.crossEntropy(xi, y, options))(x);
            expect(Array.from(grad.dataSync(), Math.abs)).toEqual(new Array(12).fill(0));
          }
        }
      }
    });

    it('runs one kernel forward and one backward (besides the tape keeping its three inputs)', async () => {
      const x = rand([6, 5], 8);
      const y = tf.tensor([0, 1, 2, 3, 4, -100], undefined, 'int32');
      if (!hasCrossEntropyKernel()) {
        // wasm: the op-by-op form, no trainkit kernel
        const names = await kernelNames(() => void F.crossEntropy(x, y));
        expect(names.filter((k) => k.startsWith('Trainkit'))).toEqual([]);
        tf.dispose([x, y]);
        return;
      }
      const w = tf.tensor([1, 2, 1, 2, 1]);
      const loss = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
      expect(await kernelNames(() => void F.crossEntropy(x, y))).toEqual([CROSS_ENTROPY]);
      expect(await kernelNames(() => void loss.forward(x, y))).toEqual([CROSS_ENTROPY]);
      for (const reduction of REDUCTIONS) {
        const f = (xi: tf.Tensor) => F.crossEntropy(xi, y, { reduction, weight: w, labelSmoothing: 0.1 });
        const dy = reduction === 'none' ? tf.ones([6]) : undefined;
        expect(await kernelNames(() => void tf.grad(f)(x, dy)), reduction).toEqual(
          [CROSS_ENTROPY, CROSS_ENTROPY_GRAD, 'Identity', 'Identity', 'Identity'].sort(),
        );
        dy?.dispose();
      }
      tf.dispose([x, y, w]);
      loss.dispose();
    });

    it('leaves other inputs to the op-by-op form: [C], [N, C, d], probabilities', async () => {
      const kernels = async (fn: () => void) => (await kernelNames(fn)).filter((k) => k.startsWith('Trainkit'));
      const y1 = tf.scalar(2, 'int32');
      const x3 = rand([2, 3, 4], 9);
      const y3 = tf.tensor([0, 1, 2, -100, 1, 1, 0, 2], [2, 4], 'int32');
      expect(await kernels(() => void F.crossEntropy(rand([3], 10), y1))).toEqual([]);
      expect(await kernels(() => void F.crossEntropy(x3, y3))).toEqual([]);
      expect(await kernels(() => void F.crossEntropy(rand([2, 3], 11), tf.softmax(rand([2, 3], 12))))).toEqual([]);
      // and the rank-2 case does take the kernel where there is one
      expect(await kernels(() => void F.crossEntropy(rand([2, 3], 11), tf.tensor([0, 2], undefined, 'int32')))).toEqual(
        hasCrossEntropyKernel() ? [CROSS_ENTROPY] : [],
      );
      tf.dispose([y1, x3, y3]);
    });

    it('leaves the tensor count flat through training steps', () => {
      const model = new nn.Sequential(new nn.Linear(6, 9), new nn.ReLU(), new nn.Linear(9, 5));
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const lossFn = new nn.CrossEntropyLoss({ weight: tf.tensor([1, 0.5, 2, 1, 1]), labelSmoothing: 0.1 });
      const x = rand([8, 6], 13);
      const y = tf.tensor([0, 1, 2, 3, 4, -100, 2, 1], undefined, 'int32');
      const step = () => opt.step(() => lossFn.forward(model.forward(x), y))!;
      const losses = [step(), step()];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) losses.push(step());
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      tf.dispose([x, y]);
      lossFn.dispose();
      model.dispose();
    });
  });
}
