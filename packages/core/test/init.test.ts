import { beforeAll, describe, expect, it } from 'vitest';
import { defaultGenerator, Generator, manualSeed, nn, tf, useBackend } from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';
import type { LayersFixture } from './helpers/layers-fixture.js';

const { init: golden } = loadFixture<LayersFixture>('layers').cases;
const { init } = nn;

function stats(p: nn.Parameter | tf.Variable): { min: number; max: number; mean: number; std: number } {
  const v = (p instanceof nn.Parameter ? p.data : p).dataSync();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { min, max, mean, std: Math.sqrt(sq / (v.length - 1)) };
}

const param = (shape: number[]) => new nn.Parameter(tf.zeros(shape));

/** Sample mean within 5 standard errors of `mean`, sample std within 2% of `std` (n = 131072 draws). */
function expectDistribution(p: nn.Parameter, mean: number, std: number): void {
  const s = stats(p);
  expect(Math.abs(s.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(p.size));
  expect(Math.abs(s.std / std - 1)).toBeLessThan(0.02);
}

function expectUniform(p: nn.Parameter, low: number, high: number): void {
  const s = stats(p);
  expect(s.min).toBeGreaterThanOrEqual(Math.fround(low));
  expect(s.max).toBeLessThanOrEqual(Math.fround(high));
  // the extremes come within 0.1% of the bounds in 131072 draws
  expect(s.min).toBeLessThan(low + (high - low) * 1e-3);
  expect(s.max).toBeGreaterThan(high - (high - low) * 1e-3);
  expectDistribution(p, (low + high) / 2, (high - low) / Math.sqrt(12));
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('nn.init', () => {
  it("computes PyTorch's fans and gains", () => {
    for (const f of golden.fans) {
      expect(init.calculateFanInAndFanOut(f.shape)).toEqual({ fanIn: f.fan_in, fanOut: f.fan_out });
    }
    for (const g of golden.gains) {
      expect(init.calculateGain(g.nonlinearity as nn.init.Nonlinearity, g.param)).toBeCloseTo(g.gain, 12);
    }
    expect(() => init.calculateFanInAndFanOut([5])).toThrow('fewer than 2 dimensions, got [5]');
    expect(() => init.calculateGain('softplus' as nn.init.Nonlinearity)).toThrow("unsupported nonlinearity 'softplus'");
  });

  it('kaimingUniform_ and kaimingNormal_ follow gain / sqrt(fan)', () => {
    const w = param([256, 128, 2, 2]); // fan_in 512, fan_out 1024
    init.kaimingUniform_(w);
    const b = Math.sqrt(2) * Math.sqrt(3 / 512);
    expectUniform(w, -b, b);
    init.kaimingUniform_(w, { a: 0.2, mode: 'fan_out', nonlinearity: 'leaky_relu' });
    const b2 = Math.sqrt(2 / (1 + 0.04)) * Math.sqrt(3 / 1024);
    expectUniform(w, -b2, b2);
    init.kaimingUniform_(w, Math.sqrt(5));
    expectUniform(w, -1 / Math.sqrt(512), 1 / Math.sqrt(512));
    init.kaimingNormal_(w, 0, 'fan_out', 'relu');
    expectDistribution(w, 0, Math.sqrt(2) / Math.sqrt(1024));
    expect(() => init.kaimingNormal_(w, { mode: 'fan_avg' as 'fan_in' })).toThrow("mode 'fan_avg' not supported");
  });

  it('xavierUniform_ and xavierNormal_ follow gain * sqrt(2 / (fan_in + fan_out))', () => {
    const w = param([512, 256]);
    init.xavierUniform_(w);
    const b = Math.sqrt(6 / 768);
    expectUniform(w, -b, b);
    init.xavierUniform_(w, init.calculateGain('tanh'));
    expectUniform(w, (-5 / 3) * b, (5 / 3) * b);
    init.xavierNormal_(w, { gain: 2 });
    expectDistribution(w, 0, 2 * Math.sqrt(2 / 768));
  });

  it('uniform_, normal_, constant_, zeros_ and ones_ fill in place', () => {
    const w = param([256, 512]);
    const variable = w.data;
    init.uniform_(w, -3, 5);
    expectUniform(w, -3, 5);
    init.normal_(w, 1.5, 0.25);
    expectDistribution(w, 1.5, 0.25);
    expect(w.data).toBe(variable);
    init.constant_(w, 0.3);
    expect(stats(w)).toMatchObject({ min: Math.fround(0.3), max: Math.fround(0.3) });
    init.zeros_(w);
    expect(stats(w)).toMatchObject({ min: 0, max: 0 });
    const v = tf.variable(tf.zeros([2, 3]));
    expect(init.ones_(v)).toBe(v);
    expect(v.arraySync()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it('uniform_, normal_ and constant_ take options objects, drawing exactly what the positional forms draw', () => {
    const w = param([256, 512]);
    init.normal_(w, { mean: 0, std: 0.01 });
    expectDistribution(w, 0, 0.01);
    init.normal_(w, { std: 3 }); // mean defaults to 0
    expectDistribution(w, 0, 3);
    init.uniform_(w, { a: -0.5, b: 0.25 });
    expectUniform(w, -0.5, 0.25);
    init.uniform_(w, { b: 4 }); // a defaults to 0
    expectUniform(w, 0, 4);
    init.constant_(w, { val: -2 });
    expect(stats(w)).toMatchObject({ min: -2, max: -2 });

    const a = param([8, 4]);
    const b = param([8, 4]);
    init.normal_(a, 1, 2, { generator: new Generator(5) });
    init.normal_(b, { mean: 1, std: 2, generator: new Generator(5) });
    expect(b.data.arraySync()).toEqual(a.data.arraySync());
    init.uniform_(a, -1, 3, { generator: new Generator(6) });
    init.uniform_(b, { a: -1, b: 3, generator: new Generator(6) });
    expect(b.data.arraySync()).toEqual(a.data.arraySync());
  });

  it('can never fill with NaN or Infinity: non-finite and unknown arguments are rejected, naming them', () => {
    const w = param([4, 3]);
    init.constant_(w, 0.5);
    const untouched = w.data.arraySync();
    const bad: [() => unknown, string][] = [
      [() => init.normal_(w, Number.NaN), 'normal_: mean must be a finite number, got NaN'],
      [() => init.normal_(w, 0, Number.POSITIVE_INFINITY), 'normal_: std must be a finite number, got Infinity'],
      [() => init.normal_(w, { std: Number.NaN }), 'normal_: std must be a finite number, got NaN'],
      [() => init.normal_(w, { mean: '0' as unknown as number }), "normal_: mean must be a finite number, got '0'"],
      [() => init.normal_(w, 0, -1), 'normal_: expects std ≥ 0, but found std=-1'],
      [
        () => init.normal_(w, { sigma: 2 } as nn.init.NormalOptions),
        "normal_: unknown option 'sigma' (expected mean, std, generator)",
      ],
      [() => init.uniform_(w, { a: Number.NEGATIVE_INFINITY }), 'uniform_: a must be a finite number, got -Infinity'],
      [() => init.uniform_(w, 0, Number.NaN), 'uniform_: b must be a finite number, got NaN'],
      [() => init.uniform_(w, 1, 0), 'uniform_: expects a ≤ b, but found a=1 > b=0'],
      [() => init.uniform_(w, { low: 0, high: 1 } as nn.init.UniformOptions), "uniform_: unknown option 'low'"],
      [() => init.constant_(w, Number.NaN), 'constant_: val must be a finite number, got NaN'],
      [() => init.constant_(w, {} as nn.init.ConstantOptions), 'constant_: val must be a finite number, got undefined'],
      [() => init.xavierUniform_(w, Number.NaN), 'xavierUniform_: gain must be a finite number, got NaN'],
      [() => init.xavierNormal_(w, { gain: Number.POSITIVE_INFINITY }), 'xavierNormal_: gain must be a finite number'],
      [() => init.xavierNormal_(w, { std: 1 } as nn.init.XavierOptions), "xavierNormal_: unknown option 'std'"],
      [() => init.kaimingUniform_(w, Number.NaN), 'kaimingUniform_: a must be a finite number, got NaN'],
      [
        () => init.kaimingNormal_(w, { a: Number.NaN, nonlinearity: 'relu' }),
        'kaimingNormal_: a must be a finite number',
      ],
      [() => init.kaimingNormal_(w, { gain: 2 } as nn.init.KaimingOptions), "kaimingNormal_: unknown option 'gain'"],
      [() => init.normal_(tf.zeros([2]) as tf.Variable), 'init: expected an nn.Parameter or a tf.Variable'],
    ];
    for (const [call, message] of bad) expect(call, message).toThrow(message);
    expect(w.data.arraySync()).toEqual(untouched);
  });

  it('is reproducible under manualSeed, and draws from a given generator instead', () => {
    const a = param([16, 8]);
    const b = param([16, 8]);
    manualSeed(42);
    init.xavierNormal_(a);
    manualSeed(42);
    init.xavierNormal_(b);
    expect(b.data.arraySync()).toEqual(a.data.arraySync());
    init.xavierNormal_(b);
    expect(b.data.arraySync()).not.toEqual(a.data.arraySync());

    const state = defaultGenerator.getState();
    init.kaimingUniform_(a, { generator: new Generator(3) });
    init.kaimingUniform_(b, { generator: new Generator(3) });
    expect(defaultGenerator.getState()).toEqual(state);
    expect(b.data.arraySync()).toEqual(a.data.arraySync());
  });
});

describe("layers' default init is PyTorch's", () => {
  it('Linear and Conv2d: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
    const linear = new nn.Linear(1024, 128);
    expectUniform(linear.weight, -1 / 32, 1 / 32);
    const lb = stats(linear.bias!);
    expect(Math.max(-lb.min, lb.max)).toBeLessThanOrEqual(1 / 32);
    expect(lb.max - lb.min).toBeGreaterThan(1 / 32); // spread over the range, not constant

    const conv = new nn.Conv2d(64, 64, 8, { groups: 2 }); // fan_in = 32 * 8 * 8 = 2048
    expect(conv.weight.shape).toEqual([64, 32, 8, 8]);
    expectUniform(conv.weight, -1 / Math.sqrt(2048), 1 / Math.sqrt(2048));
    expect(Math.abs(stats(conv.bias!).max)).toBeLessThanOrEqual(1 / Math.sqrt(2048));
    expect(new nn.Conv1d(4, 2, 3, { bias: false }).bias).toBeNull();
  });

  it('BatchNorm: weight 1, bias 0', () => {
    const bn = new nn.BatchNorm2d(5);
    expect(bn.weight!.data.arraySync()).toEqual([1, 1, 1, 1, 1]);
    expect(bn.bias!.data.arraySync()).toEqual([0, 0, 0, 0, 0]);
    expect(new nn.BatchNorm1d(5, { affine: false }).parameters()).toEqual([]);
  });

  it('draws from defaultGenerator (reproducible under manualSeed) or the generator option', () => {
    manualSeed(0);
    const a = new nn.Conv2d(3, 4, 3);
    manualSeed(0);
    const b = new nn.Conv2d(3, 4, 3);
    expect(b.weight.data.arraySync()).toEqual(a.weight.data.arraySync());
    expect(b.bias!.data.arraySync()).toEqual(a.bias!.data.arraySync());
    const c = new nn.Conv2d(3, 4, 3);
    expect(c.weight.data.arraySync()).not.toEqual(a.weight.data.arraySync());

    const state = defaultGenerator.getState();
    const d = new nn.Linear(5, 3, { generator: new Generator(9) });
    const e = new nn.Linear(5, 3, { generator: new Generator(9) });
    expect(defaultGenerator.getState()).toEqual(state);
    expect(e.weight.data.arraySync()).toEqual(d.weight.data.arraySync());
  });
});
