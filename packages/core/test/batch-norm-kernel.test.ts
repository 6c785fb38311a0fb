// Training-mode batch normalisation as one kernel (BATCH_NORM_TRAIN, and BATCH_NORM_GRAD_INPUT / _WEIGHT for its
// gradient) against the op-by-op form it stands in for and against a float64 reference, on every test backend.
// The kernel serves channels-last inputs only (BatchNorm1d's [N, C], BatchNorm2d's input transposed to NHWC);
// F.batchNorm's [N, C, L] and NCHW inputs keep the op-by-op form, which is how the tests reach it. Where a backend
// has no such kernel (wasm), every path is the op-by-op form: the tests then check that against the reference, and
// that no batch-norm kernel ran.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, F, manualSeed, nn, noGrad, optim, tf, useBackend } from '../src/index.js';
import { BATCH_NORM_GRAD_INPUT, BATCH_NORM_GRAD_WEIGHT, BATCH_NORM_TRAIN } from '../src/kernels/index.js';
import { batchNormChannelsLast } from '../src/nn/functional/batch-norm.js';
import { expectClose, TEST_BACKENDS } from './helpers/fixtures.js';
import { values } from './wasm-kernels-compare.js';

const hasKernel = () => tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined;

interface Reference {
  y: number[];
  mean: number[];
  /** biased */
  variance: number[];
  /** gradients of Σ r·y */
  dx: number[];
  dweight: number[];
  dbias: number[];
}

/**
 * Batch normalisation of channels-last data (rows of c) in float64, from its definition; the input gradient by
 * the closed form dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)), g = r·w, which `finiteDifferences` checks independently.
 */
function reference(
  x: ArrayLike<number>,
  c: number,
  w: ArrayLike<number> | null,
  b: ArrayLike<number> | null,
  eps: number,
  r: ArrayLike<number>,
): Reference {
  const n = x.length / c;
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  for (let i = 0; i < x.length; i++) mean[i % c]! += x[i]! / n;
  for (let i = 0; i < x.length; i++) variance[i % c]! += (x[i]! - mean[i % c]!) ** 2 / n;
  const sigma = variance.map((v) => Math.sqrt(v + eps));
  const xhat = Array.from(x, (v, i) => (v - mean[i % c]!) / sigma[i % c]!);
  const y = xhat.map((v, i) => v * (w ? w[i % c]! : 1) + (b ? b[i % c]! : 0));
  const g = xhat.map((_, i) => r[i]! * (w ? w[i % c]! : 1));
  const meanG = new Array<number>(c).fill(0);
  const meanGXhat = new Array<number>(c).fill(0);
  const dweight = new Array<number>(c).fill(0);
  const dbias = new Array<number>(c).fill(0);
  xhat.forEach((v, i) => {
    meanG[i % c]! += g[i]! / n;
    meanGXhat[i % c]! += (g[i]! * v) / n;
    dweight[i % c]! += r[i]! * v;
    dbias[i % c]! += r[i]!;
  });
  const dx = xhat.map((v, i) => (g[i]! - meanG[i % c]! - v * meanGXhat[i % c]!) / sigma[i % c]!);
  return { y, mean, variance, dx, dweight, dbias };
}

/** d(Σ r·y)/dx by central differences of the float64 reference, to check its closed-form dx. */
function finiteDifferences(...[x, c, w, b, eps, r]: Parameters<typeof reference>): number[] {
  const loss = (xs: number[]) => reference(xs, c, w, b, eps, r).y.reduce((s, v, i) => s + v * r[i]!, 0);
  const xs = Array.from(x);
  return xs.map((v, i) => {
    const h = 1e-6;
    xs[i] = v + h;
    const up = loss(xs);
    xs[i] = v - h;
    const down = loss(xs);
    xs[i] = v;
    return (up - down) / (2 * h);
  });
}

const json = (data: number[], shape: number[]) => ({ shape, dtype: 'float32', data });

/** The closed-form reference dx against its finite differences. */
function checkReference(dx: number[], fd: number[]): void {
  const t = tf.tensor(dx);
  try {
    expectClose(t, json(fd, [fd.length]), { atol: 1e-6, rtol: 1e-5, label: 'reference dx' });
  } finally {
    t.dispose();
  }
}

/** expectClose of two tensors. */
function closeTo(actual: tf.Tensor, expected: tf.Tensor, options: Parameters<typeof expectClose>[2]): void {
  expectClose(actual, { shape: expected.shape, dtype: expected.dtype, data: Array.from(expected.dataSync()) }, options);
}

type Norm = (x: tf.Tensor, w: tf.Tensor | null, b: tf.Tensor | null) => tf.Tensor;

interface Result {
  y: tf.Tensor;
  dx: tf.Tensor;
  dweight: tf.Tensor | null;
  dbias: tf.Tensor | null;
}

/** y, and the gradients of Σ r·y with respect to x and the weight and bias that are given. */
function evaluate(norm: Norm, x: tf.Tensor, w: tf.Tensor | null, b: tf.Tensor | null, r: tf.Tensor): Result {
  const args = [x, w, b].filter((t): t is tf.Tensor => t !== null);
  const f = (...vs: tf.Tensor[]) => {
    let k = 0;
    const xi = vs[k++]!;
    const wi = w ? vs[k++]! : null;
    const bi = b ? vs[k++]! : null;
    return tf.sum(tf.mul(norm(xi, wi, bi), r));
  };
  const y = tf.tidy(() => norm(x, w, b));
  const grads = tf.grads(f)(args);
  let k = 1;
  return { y, dx: grads[0]!, dweight: w ? grads[k++]! : null, dbias: b ? grads[k++]! : null };
}

function disposeResult(r: Result): void {
  tf.dispose([r.y, r.dx, ...(r.dweight ? [r.dweight] : []), ...(r.dbias ? [r.dbias] : [])]);
}

/** The batch-norm kernels `fn` runs, sorted, and how often the op-by-op form's Mean ran. */
async function kernelsOf(fn: () => unknown): Promise<{ batchNorm: string[]; means: number }> {
  const info = await tf.profile(() => tf.tidy(() => fn() as tf.TensorContainer));
  const names = info.kernels.map((k) => k.name);
  tf.dispose(info.result);
  return {
    batchNorm: names.filter((k) => k.startsWith('TrainkitBatchNorm')).sort(),
    means: names.filter((k) => k === 'Mean').length,
  };
}

/** Affine variants: F.batchNorm takes either one alone, the layers both or neither. */
const AFFINE = [
  { name: 'weight and bias', weight: true, bias: true },
  { name: 'no affine', weight: false, bias: false },
  { name: 'weight only', weight: true, bias: false },
  { name: 'bias only', weight: false, bias: true },
];
const EPS = [1e-5, 1e-3];
/** parameters and statistics of the kernel and op-by-op paths after a few steps, rounding differences compounded */
const STEPS_TOL = { atol: 2e-5, rtol: 2e-5 };

/**
 * Tolerances against the float64 reference, elementwise and for per-channel sums over `rows` rows. Rounding a
 * channel's mean to float32 moves every x̂ by up to 2⁻²⁴·(|mean| + σ)/σ, which the weight scales and a sum adds up
 * `rows` times. The kernel's gradient is handed the float32 statistics, so it carries that shift besides a few
 * roundings of its own (one on cpu, more where a backend computes y in float32); the op-by-op form's float32
 * arithmetic carries many.
 */
function tolerances(ref: Reference, w: ArrayLike<number> | null, rows: number, kernel: boolean) {
  let shift = 0;
  ref.mean.forEach((m, j) => {
    const sigma = Math.sqrt(ref.variance[j]!);
    shift = Math.max(shift, (2 ** -24 * (Math.abs(m) + sigma)) / sigma);
  });
  const scale = shift * Math.max(1, ...Array.from(w ?? [], Math.abs));
  const each = kernel ? { atol: 2e-6 + 8 * scale, rtol: 1e-6 } : { atol: 2e-5 + 64 * scale, rtol: 2e-5 };
  return { each, sum: { ...each, atol: each.atol * rows } };
}

for (const backend of TEST_BACKENDS) {
  describe(`${BATCH_NORM_TRAIN} on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('is registered with its gradient kernels where core provides it (cpu), and not on wasm', () => {
      const has = hasKernel();
      expect(tf.getKernel(BATCH_NORM_GRAD_INPUT, tf.getBackend()) !== undefined).toBe(has);
      expect(tf.getKernel(BATCH_NORM_GRAD_WEIGHT, tf.getBackend()) !== undefined).toBe(has);
      if (backend === 'cpu') expect(has).toBe(true);
      if (backend === 'wasm') expect(has).toBe(false);
      const grad = tf.getGradient(BATCH_NORM_TRAIN);
      expect(grad?.inputsToSave).toEqual(['x', 'weight']);
      expect(grad?.outputsToSave).toEqual([false, true, true]);
    });

    // [N, C]: the kernel (where there is one) through F.batchNorm; [N, C, 1] the op-by-op form of the same numbers
    for (const [n, c, lo, hi] of [
      [7, 5, -1, 3],
      [2, 3, -2, 2],
      [33, 9, 10, 12],
    ] as const) {
      for (const affine of AFFINE) {
        for (const eps of EPS) {
          const label = `[${n}, ${c}] in [${lo}, ${hi}), ${affine.name}, eps ${eps}`;
          it(`[N, C] matches the op-by-op form and the float64 reference: ${label}`, async () => {
            const xv = values(n * c, n + c, lo, hi);
            const wv = affine.weight ? values(c, 2, 0.5, 2) : null;
            const bv = affine.bias ? values(c, 3) : null;
            const rv = values(n * c, 4, 0.5, 1.5);
            const x = tf.tensor(xv, [n, c]);
            const w = wv ? tf.tensor(wv) : null;
            const b = bv ? tf.tensor(bv) : null;
            const r = tf.tensor(rv, [n, c]);
            const stats = () =>
              tf.tidy(() => [tf.variable(tf.zeros([c]), false), tf.variable(tf.ones([c]), false)] as const);
            const [rmK, rvK] = stats();
            const [rmO, rvO] = stats();
            const options = (wi: tf.Tensor | null, bi: tf.Tensor | null) => ({
              weight: wi,
              bias: bi,
              training: true,
              momentum: 1,
              eps,
            });
            const viaKernel: Norm = (xi, wi, bi) => F.batchNorm(xi, rmK, rvK, options(wi, bi));
            const opByOp: Norm = (xi, wi, bi) =>
              tf.reshape(F.batchNorm(tf.reshape(xi, [n, c, 1]), rmO, rvO, options(wi, bi)), [n, c]);

            expect((await kernelsOf(() => viaKernel(x, w, b))).batchNorm).toEqual(
              hasKernel() ? [BATCH_NORM_TRAIN] : [],
            );
            const ops = await kernelsOf(() => opByOp(x, w, b));
            expect(ops.batchNorm).toEqual([]);
            expect(ops.means).toBeGreaterThan(0);

            const before = tf.memory().numTensors;
            const k = evaluate(viaKernel, x, w, b, r);
            const o = evaluate(opByOp, x, w, b, r);
            expect(tf.memory().numTensors).toBe(before + 2 * (2 + Number(!!w) + Number(!!b)));

            const ref = reference(xv, c, wv, bv, eps, rv);
            const fd = finiteDifferences(xv, c, wv, bv, eps, rv);
            checkReference(ref.dx, fd);
            const unbiased = ref.variance.map((v) => (v * n) / (n - 1));
            const checks: [string, Result, tf.Variable, tf.Variable][] = [
              ['kernel', k, rmK, rvK],
              ['op by op', o, rmO, rvO],
            ];
            for (const [path, got, rm, rvar] of checks) {
              const tol = tolerances(ref, wv, n, path === 'kernel' && hasKernel());
              const at = (what: string, sum = false) => ({
                ...(sum ? tol.sum : tol.each),
                label: `${path} ${label} ${what}`,
              });
              expectClose(got.y, json(ref.y, [n, c]), at('y'));
              expectClose(got.dx, json(ref.dx, [n, c]), at('dx'));
              if (got.dweight) expectClose(got.dweight, json(ref.dweight, [c]), at('dweight', true));
              if (got.dbias) expectClose(got.dbias, json(ref.dbias, [c]), at('dbias', true));
              // momentum 1: the running statistics are the batch's (variance unbiased)
              expectClose(rm, json(ref.mean, [c]), at('running_mean'));
              expectClose(rvar, json(unbiased, [c]), at('running_var'));
            }
            const opTol = tolerances(ref, wv, n, false);
            const between = (a: tf.Tensor | null, e: tf.Tensor | null, what: string, sum = false) => {
              if (a && e)
                closeTo(a, e, { ...(sum ? opTol.sum : opTol.each), label: `kernel vs op by op ${label} ${what}` });
            };
            between(k.y, o.y, 'y');
            between(k.dx, o.dx, 'dx');
            between(k.dweight, o.dweight, 'dweight', true);
            between(k.dbias, o.dbias, 'dbias', true);
            between(rmK, rmO, 'running_mean');
            between(rvK, rvO, 'running_var');
            disposeResult(k);
            disposeResult(o);
            tf.dispose([x, r, rmK, rvK, rmO, rvO, ...(w ? [w] : []), ...(b ? [b] : [])]);
          });
        }
      }
    }

    // [N, H, W, C] as BatchNorm2d hands it to the kernel, against NCHW (op by op) transposed around F.batchNorm
    for (const shape of [
      [3, 5, 7, 6],
      [2, 1, 3, 4],
    ] as const) {
      for (const affine of AFFINE.slice(0, 2)) {
        for (const eps of EPS) {
          const label = `[${shape}], ${affine.name}, eps ${eps}`;
          it(`channels last matches the op-by-op form and the float64 reference: ${label}`, async () => {
            const c = shape[3];
            const size = shape.reduce<number>((a, d) => a * d, 1);
            const xv = values(size, 11, -1, 2);
            const wv = affine.weight ? values(c, 12, 0.5, 2) : null;
            const bv = affine.bias ? values(c, 13) : null;
            const rv = values(size, 14, -1, 1);
            const x = tf.tensor(xv, [...shape]);
            const w = wv ? tf.tensor(wv) : null;
            const b = bv ? tf.tensor(bv) : null;
            const r = tf.tensor(rv, [...shape]);
            const o = { training: true, eps };
            const viaKernel: Norm = (xi, wi, bi) =>
              batchNormChannelsLast(xi as tf.Tensor4D, null, null, { ...o, weight: wi, bias: bi });
            const opByOp: Norm = (xi, wi, bi) =>
              tf.transpose(
                F.batchNorm(tf.transpose(xi, [0, 3, 1, 2]), null, null, { ...o, weight: wi, bias: bi }),
                [0, 2, 3, 1],
              );
            expect((await kernelsOf(() => viaKernel(x, w, b))).batchNorm).toEqual(
              hasKernel() ? [BATCH_NORM_TRAIN] : [],
            );
            expect((await kernelsOf(() => opByOp(x, w, b))).batchNorm).toEqual([]);
            const k = evaluate(viaKernel, x, w, b, r);
            const ob = evaluate(opByOp, x, w, b, r);
            const ref = reference(xv, c, wv, bv, eps, rv);
            if (size <= 64) {
              const fd = finiteDifferences(xv, c, wv, bv, eps, rv);
              checkReference(ref.dx, fd);
            }
            for (const [path, got] of [
              ['kernel', k],
              ['op by op', ob],
            ] as const) {
              const tol = tolerances(ref, wv, size / c, path === 'kernel' && hasKernel());
              const at = (what: string, sum = false) => ({
                ...(sum ? tol.sum : tol.each),
                label: `${path} ${label} ${what}`,
              });
              expectClose(got.y, json(ref.y, [...shape]), at('y'));
              expectClose(got.dx, json(ref.dx, [...shape]), at('dx'));
              if (got.dweight) expectClose(got.dweight, json(ref.dweight, [c]), at('dweight', true));
              if (got.dbias) expectClose(got.dbias, json(ref.dbias, [c]), at('dbias', true));
              const opTol = tolerances(ref, wv, size / c, false).each;
              closeTo(got.y, ob.y, { ...opTol, label: `${path} vs op by op ${label} y` });
              closeTo(got.dx, ob.dx, { ...opTol, label: `${path} vs op by op ${label} dx` });
            }
            disposeResult(k);
            disposeResult(ob);
            tf.dispose([x, r, ...(w ? [w] : []), ...(b ? [b] : [])]);
          });
        }
      }
    }

    it('gives y, mean and the biased variance from the kernel itself, and both gradient kernels (where it runs)', () => {
      if (!hasKernel()) {
        expect(tf.getBackend()).toBe('wasm');
        return;
      }
      const [n, c, eps] = [9, 4, 1e-3];
      const xv = values(n * c, 21, -3, 1);
      const wv = values(c, 22, 0.5, 2);
      const bv = values(c, 23);
      const dyv = values(n * c, 24);
      const x = tf.tensor(xv, [n, c]);
      const weight = tf.tensor(wv);
      const bias = tf.tensor(bv);
      const dy = tf.tensor(dyv, [n, c]);
      const ref = reference(xv, c, wv, bv, eps, dyv);
      const refPlain = reference(xv, c, null, null, eps, dyv);
      const attrs = { eps } as never;
      const run = (name: string, inputs: tf.NamedTensorMap) =>
        noGrad(() => tf.engine().runKernel(name, inputs, attrs)) as tf.Tensor | tf.Tensor[];
      const tol = tolerances(ref, wv, n, true);
      const out = run(BATCH_NORM_TRAIN, { x, weight, bias }) as tf.Tensor[];
      expect(out.map((t) => t.shape)).toEqual([[n, c], [c], [c]]);
      expectClose(out[0]!, json(ref.y, [n, c]), { ...tol.each, label: 'y' });
      expectClose(out[1]!, json(ref.mean, [c]), { ...tol.each, label: 'mean' });
      expectClose(out[2]!, json(ref.variance, [c]), { ...tol.each, label: 'biased var' });
      // weight and bias are optional inputs of the kernel
      const plain = run(BATCH_NORM_TRAIN, { x }) as tf.Tensor[];
      expectClose(plain[0]!, json(refPlain.y, [n, c]), { ...tol.each, label: 'y without weight and bias' });
      const [, mean, variance] = out as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dx = run(BATCH_NORM_GRAD_INPUT, { dy, x, mean, var: variance, weight }) as tf.Tensor;
      expectClose(dx, json(ref.dx, [n, c]), { ...tol.each, label: 'dx' });
      const dxPlain = run(BATCH_NORM_GRAD_INPUT, { dy, x, mean, var: variance }) as tf.Tensor;
      expectClose(dxPlain, json(refPlain.dx, [n, c]), { ...tol.each, label: 'dx without weight' });
      const dw = run(BATCH_NORM_GRAD_WEIGHT, { dy, x, mean, var: variance }) as tf.Tensor;
      expectClose(dw, json(ref.dweight, [c]), { ...tol.sum, label: 'dweight' });
      tf.dispose([x, weight, bias, dy, ...out, ...plain, dx, dxPlain, dw]);
    });

    it('drops gradients that reach it through the mean and var outputs (where it runs)', () => {
      if (!hasKernel()) {
        expect(tf.getBackend()).toBe('wasm');
        return;
      }
      const x = tf.tensor(values(12, 25), [4, 3]);
      const dx = tf.grad((xi: tf.Tensor) => {
        const [, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xi, weight: tf.ones([3]) }, {
          eps: 1e-5,
        } as never) as tf.Tensor[];
        return tf.add(tf.sum(mean!), tf.sum(variance!));
      })(x);
      expect(Array.from(dx.dataSync(), Math.abs)).toEqual(new Array(12).fill(0));
      tf.dispose([x, dx]);
    });

    it('keeps the checks on batch size and statistics shapes', () => {
      const one = tf.ones([1, 3]);
      const nhwc = tf.ones([1, 1, 1, 3]);
      expect(() => F.batchNorm(one, null, null, { training: true })).toThrow(
        'batch_norm: expected more than 1 value per channel when training, got input [1, 3]',
      );
      expect(() => batchNormChannelsLast(nhwc as tf.Tensor4D, null, null, { training: true })).toThrow(
        'batch_norm: expected more than 1 value per channel when training, got input [1, 3, 1, 1]',
      );
      const x = tf.ones([4, 3]);
      const bad = tf.ones([2]);
      expect(() => F.batchNorm(x, null, null, { training: true, weight: bad })).toThrow(
        'batch_norm: expected weight [3], got [2]',
      );
      expect(() => F.batchNorm(x, tf.zeros([3]), tf.ones([3]), { training: true })).toThrow(
        'batch_norm: in training mode running_mean is updated in place and must be a tf.Variable (or null to skip it)',
      );
      tf.dispose([one, nhwc, x, bad]);
    });

    /**
     * Conv2d through call(), then BatchNorm2d's op-by-op form: F.batchNorm on NCHW with the layer's parameters and
     * running statistics, counting the batch as the layer does.
     */
    const layerByLayer = (model: nn.Sequential) => (x: tf.Tensor) => {
      const conv = model.at(0) as nn.Conv2d;
      const bn = model.at(1) as nn.BatchNorm2d;
      const count = bn.getBuffer('num_batches_tracked') as tf.Variable;
      tf.tidy(() => count.assign(tf.add(count, tf.scalar(1, 'int32'))));
      return F.batchNorm(conv.call(x), bn.getBuffer('running_mean'), bn.getBuffer('running_var'), {
        weight: bn.weight?.data,
        bias: bn.bias?.data,
        training: true,
        momentum: bn.momentum!,
        eps: bn.eps,
      });
    };

    const convBn = (affine: boolean, eps: number) => () => {
      manualSeed(3);
      return [new nn.Conv2d(3, 5, 3, { padding: 1 }), new nn.BatchNorm2d(5, { affine, eps })];
    };

    for (const affine of [true, false]) {
      for (const eps of EPS) {
        const label = `${affine ? 'affine' : 'no affine'}, eps ${eps}`;
        it(`Sequential(Conv2d, BatchNorm2d) trains as layer-by-layer calls do, and as the float64 reference: ${label}`, async () => {
          const layers = convBn(affine, eps);
          const xs = [0, 1, 2].map((i) => tf.tensor(values(3 * 3 * 7 * 9, 30 + i, -1, 2), [3, 3, 7, 9]));
          const r = tf.tensor(values(3 * 5 * 7 * 9, 40), [3, 5, 7, 9]);

          // one trainkit kernel forward where the backend has it (a model of its own, since each call counts a batch)
          const probe = new nn.Sequential(...layers());
          const forward = await kernelsOf(() => probe.forward(xs[0]!));
          expect(forward.batchNorm).toEqual(hasKernel() ? [BATCH_NORM_TRAIN] : []);
          if (!hasKernel()) expect(forward.means).toBeGreaterThan(0);
          const backwardKernels = await kernelsOf(() =>
            backward(() => tf.sum(tf.mul(probe.forward(xs[0]!), r)), probe.parameters()),
          );
          const expected = affine
            ? [BATCH_NORM_GRAD_INPUT, BATCH_NORM_GRAD_WEIGHT, BATCH_NORM_TRAIN]
            : [BATCH_NORM_GRAD_INPUT, BATCH_NORM_TRAIN];
          expect(backwardKernels.batchNorm).toEqual(hasKernel() ? expected : []);
          const probeSlow = new nn.Sequential(...layers());
          const slowKernels = await kernelsOf(() => layerByLayer(probeSlow)(xs[0]!));
          expect(slowKernels.batchNorm).toEqual([]);
          expect(slowKernels.means).toBeGreaterThan(0);
          probe.dispose();
          probeSlow.dispose();

          const fast = new nn.Sequential(...layers());
          const slow = new nn.Sequential(...layers());
          const bySlow = layerByLayer(slow);
          const optFast = new optim.SGD(fast.parameters(), { lr: 0.1, momentum: 0.9 });
          const optSlow = new optim.SGD(slow.parameters(), { lr: 0.1, momentum: 0.9 });
          const n = 3 * 7 * 9;
          for (const x of xs) {
            // the reference: conv's output, read back, through batch normalisation in float64, channels last
            const bn = fast.at(1) as nn.BatchNorm2d;
            const convOut = noGrad(() => tf.transpose((fast.at(0) as nn.Conv2d).forward(x), [0, 2, 3, 1]));
            const rNhwc = tf.transpose(r, [0, 2, 3, 1]);
            const weightBefore = bn.weight ? bn.weight.data.dataSync().slice() : null;
            const ref = reference(
              convOut.dataSync(),
              5,
              weightBefore,
              bn.bias ? bn.bias.data.dataSync() : null,
              eps,
              rNhwc.dataSync(),
            );
            const meanBefore = Array.from(bn.getBuffer('running_mean').dataSync());
            const varBefore = Array.from(bn.getBuffer('running_var').dataSync());
            let yFast: tf.Tensor | null = null;
            optFast.step(() => {
              const y = fast.forward(x);
              yFast = tf.keep(tf.transpose(y, [0, 2, 3, 1]));
              return tf.sum(tf.mul(y, r));
            });
            optSlow.step(() => tf.sum(tf.mul(bySlow(x), r)));
            // the reference's input is Conv2d.forward's NCHW output, read back; the same numbers as the model's, but
            // the tolerance stays twice the kernel's (it covered a channels-last convolution rounding differently)
            const { each, sum } = tolerances(ref, weightBefore, n, hasKernel());
            const tol = { atol: 2 * each.atol, rtol: 2 * each.rtol };
            const sumTol = { atol: 2 * sum.atol, rtol: 2 * sum.rtol };
            expectClose(yFast!, json(ref.y, [3, 7, 9, 5]), { ...tol, label: 'y' });
            if (bn.weight) expectClose(bn.weight.grad!, json(ref.dweight, [5]), { ...sumTol, label: 'dweight' });
            if (bn.bias) expectClose(bn.bias.grad!, json(ref.dbias, [5]), { ...sumTol, label: 'dbias' });
            const expectMean = meanBefore.map((m, j) => 0.9 * m + 0.1 * ref.mean[j]!);
            const expectVar = varBefore.map((v, j) => 0.9 * v + 0.1 * ((ref.variance[j]! * n) / (n - 1)));
            expectClose(bn.getBuffer('running_mean'), json(expectMean, [5]), { ...tol, label: 'running_mean' });
            expectClose(bn.getBuffer('running_var'), json(expectVar, [5]), { ...tol, label: 'running_var' });
            tf.dispose([convOut, rNhwc, yFast!]);
          }
          const slowParams = slow.namedParameters();
          for (const [i, [name, p]] of fast.namedParameters().entries()) {
            const q = slowParams[i]![1].data;
            expectClose(
              p.data,
              { shape: q.shape, dtype: 'float32', data: Array.from(q.dataSync()) },
              {
                ...STEPS_TOL,
                label: `${name} after 3 steps`,
              },
            );
          }
          const slowBuffers = slow.namedBuffers();
          for (const [i, [name, b]] of fast.namedBuffers().entries()) {
            const q = slowBuffers[i]![1];
            expectClose(
              b,
              { shape: q.shape, dtype: q.dtype, data: Array.from(q.dataSync()) },
              {
                ...STEPS_TOL,
                label: `${name} after 3 steps`,
              },
            );
          }
          tf.dispose([...xs, r]);
          fast.dispose();
          slow.dispose();
        });
      }
    }

    it("BatchNorm1d's running statistics after training steps are the op-by-op form's", () => {
      const [n, c] = [6, 4];
      const make = (momentum: number | null) => {
        manualSeed(5);
        return new nn.Sequential(new nn.Linear(3, c), new nn.BatchNorm1d(c, { momentum }));
      };
      for (const momentum of [0.3, null]) {
        const a = make(momentum);
        const b = make(momentum);
        // not Adam: the Linear bias's gradient is zero up to rounding (the normalisation removes it), and Adam would
        // turn that rounding noise into full steps, different on each side
        const optA = new optim.SGD(a.parameters(), { lr: 0.05, momentum: 0.9 });
        const optB = new optim.SGD(b.parameters(), { lr: 0.05, momentum: 0.9 });
        const bnB = b.at(1) as nn.BatchNorm1d;
        // b normalises [N, C, 1], which takes the op-by-op form
        const forwardB = (x: tf.Tensor) =>
          tf.reshape(bnB.forward(tf.expandDims((b.at(0) as nn.Linear).forward(x), 2)), [n, c]);
        const r = tf.tensor(values(n * c, 50), [n, c]);
        for (let i = 0; i < 4; i++) {
          const x = tf.tensor(values(n * 3, 60 + i, -2, 2), [n, 3]);
          optA.step(() => tf.sum(tf.mul(a.forward(x), r)));
          optB.step(() => tf.sum(tf.mul(forwardB(x), r)));
          x.dispose();
        }
        const buffersB = b.namedBuffers();
        for (const [i, [name, t]] of a.namedBuffers().entries()) {
          const q = buffersB[i]![1];
          expectClose(
            t,
            { shape: q.shape, dtype: q.dtype, data: Array.from(q.dataSync()) },
            {
              ...STEPS_TOL,
              label: `momentum ${momentum} ${name}`,
            },
          );
        }
        expect(Array.from(a.at(1).getBuffer('num_batches_tracked').dataSync())).toEqual([4]);
        const paramsB = b.namedParameters();
        for (const [i, [name, p]] of a.namedParameters().entries()) {
          const q = paramsB[i]![1].data;
          expectClose(
            p.data,
            { shape: q.shape, dtype: 'float32', data: Array.from(q.dataSync()) },
            {
              ...STEPS_TOL,
              label: `momentum ${momentum} ${name}`,
            },
          );
        }
        r.dispose();
        a.dispose();
        b.dispose();
      }
    });

    it('runs no kernel of its own in eval mode', async () => {
      const bn = new nn.BatchNorm1d(3).eval();
      const x = tf.tensor(values(15, 70), [5, 3]);
      expect((await kernelsOf(() => bn.forward(x))).batchNorm).toEqual([]);
      bn.train();
      expect((await kernelsOf(() => bn.forward(x))).batchNorm).toEqual(hasKernel() ? [BATCH_NORM_TRAIN] : []);
      x.dispose();
      bn.dispose();
    });

    it('leaves the tensor count flat through training steps', () => {
      manualSeed(9);
      const model = new nn.Sequential(
        new nn.Conv2d(2, 4, 3, { padding: 1 }),
        new nn.BatchNorm2d(4),
        new nn.ReLU(),
        new nn.Flatten(),
        new nn.Linear(4 * 5 * 5, 6),
        new nn.BatchNorm1d(6, { affine: false }),
        new nn.Linear(6, 3),
      );
      const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const lossFn = new nn.CrossEntropyLoss();
      const x = tf.tensor(values(8 * 2 * 5 * 5, 80), [8, 2, 5, 5]);
      const y = tf.tensor([0, 1, 2, 0, 1, 2, 0, 1], undefined, 'int32');
      const step = () => opt.step(() => lossFn.forward(model.forward(x), y))!;
      const losses = [step(), step()];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 10; i++) losses.push(step());
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      tf.dispose([x, y]);
      lossFn.dispose();
      model.dispose();
    });
  });
}
