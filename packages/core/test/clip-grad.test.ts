import { beforeAll, describe, expect, it } from 'vitest';
import { nn, tf, useBackend } from '../src/index.js';
import { expectClose, type JsonTensor, loadFixture, TEST_BACKENDS, toTensor } from './helpers/fixtures.js';

interface ClipStep {
  total_norm: number | null;
  grads: (JsonTensor | null)[];
}
type ClipCase =
  | { kind: 'norm'; max_norm: number; norm_type: number | 'inf'; steps: ClipStep[] }
  | { kind: 'value'; clip_value: number; steps: ClipStep[] };
interface ClipFixture {
  init: JsonTensor[];
  grads: (JsonTensor | null)[][];
  cases: ClipCase[];
  single: { grad: JsonTensor; max_norm: number; total_norm: number; after: JsonTensor };
  nonfinite_error: string;
}

const fixture = loadFixture<ClipFixture>('clip_grad').cases;
const { clipGradNorm_, clipGradValue_ } = nn.utils;

function label(c: ClipCase): string {
  return c.kind === 'norm' ? `clipGradNorm_ max ${c.max_norm} p ${c.norm_type}` : `clipGradValue_ ${c.clip_value}`;
}

for (const backend of TEST_BACKENDS) {
  describe(`clipGradNorm_ and clipGradValue_ on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('follow PyTorch 1.13 step by step: the total norm returned and the gradients after', () => {
      expect(fixture.cases.length).toBe(9);
      for (const c of fixture.cases) {
        const params = fixture.init.map((t) => new nn.Parameter(toTensor(t)));
        c.steps.forEach((step, s) => {
          fixture.grads[s]!.forEach((g, i) => {
            params[i]!.zeroGrad();
            params[i]!.grad = g ? toTensor(g) : null;
          });
          const result =
            c.kind === 'norm'
              ? clipGradNorm_(params, c.max_norm, { normType: c.norm_type })
              : clipGradValue_(params, c.clip_value);
          if (step.total_norm === null) expect(result).toBeUndefined();
          else expectClose(result as number, step.total_norm, { label: `${label(c)} step ${s + 1} total norm` });
          step.grads.forEach((g, i) => {
            if (g === null) expect(params[i]!.grad, `${label(c)} step ${s + 1} param ${i}`).toBeNull();
            else expectClose(params[i]!.grad!, g, { label: `${label(c)} step ${s + 1} grad ${i}` });
          });
        });
        for (const p of params) p.dispose();
      }
    });

    it('take a single parameter, and the positional normType', () => {
      const p = new nn.Parameter(toTensor(fixture.init[0]!));
      p.grad = toTensor(fixture.single.grad);
      expectClose(clipGradNorm_(p, fixture.single.max_norm, 2), fixture.single.total_norm);
      expectClose(p.grad, fixture.single.after);
      p.dispose();
    });

    it('leave tf.memory().numTensors as it was (old gradients freed)', () => {
      const params = [new nn.Parameter(tf.ones([3, 2])), new nn.Parameter(tf.ones([4]))];
      for (const p of params) p.grad = tf.fill(p.shape, 3);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) {
        clipGradNorm_(params, 1);
        clipGradNorm_(params, 1, { normType: 'inf' });
        clipGradValue_(params, 0.1);
      }
      expect(tf.memory().numTensors).toBe(before);
      for (const p of params) p.dispose();
    });
  });
}

describe('clipGradNorm_ edge cases', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it("throws PyTorch's error for a non-finite norm when asked, else scales by it as PyTorch does", () => {
    const p = new nn.Parameter(tf.ones([4]));
    p.grad = tf.tensor([1, Number.POSITIVE_INFINITY, 2, 3]);
    expect(fixture.nonfinite_error).toContain('is non-finite, so it cannot be clipped');
    expect(() => clipGradNorm_([p], 1, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm_: The total norm of order 2 for gradients from `parameters` is non-finite (Infinity), so it cannot be clipped',
    );
    expect(Array.from(p.grad.dataSync())).toEqual([1, Number.POSITIVE_INFINITY, 2, 3]); // untouched
    expect(clipGradNorm_([p], 1)).toBe(Number.POSITIVE_INFINITY);
    // the coefficient 1 / (inf + 1e-6) is 0: finite entries become 0, the infinite one 0·inf = NaN
    expect(Array.from(p.grad.dataSync())).toEqual([0, Number.NaN, 0, 0]);
    p.dispose();
  });

  it('returns 0 without gradients, and rejects bad arguments naming them', () => {
    const p = new nn.Parameter(tf.ones([2]));
    expect(clipGradNorm_([p], 1)).toBe(0);
    expect(() => clipGradNorm_([p], Number.NaN)).toThrow(
      'clipGradNorm_: maxNorm must be a non-negative number, got NaN',
    );
    expect(() => clipGradNorm_([p], 1, { normType: 0 })).toThrow(
      'clipGradNorm_: normType must be a positive number or Infinity, got 0',
    );
    expect(() => clipGradValue_([p], -1)).toThrow('clipGradValue_: clipValue must be a non-negative number, got -1');
    expect(() => clipGradNorm_([p.data as unknown as nn.Parameter], 1)).toThrow(
      'clipGradNorm_: parameters[0] is not an nn.Parameter (pass model.parameters())',
    );
    p.dispose();
  });
});
