import { nn, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { histogram, parameterStats, terminalHistogram } from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('histogram', () => {
  it('bins like numpy.histogram: half-open bins, the last one closed', () => {
    // numpy.histogram([0, 1, 1, 2, 3, 4], bins=4) → counts [1, 2, 1, 2], edges [0, 1, 2, 3, 4]
    expect(histogram([0, 1, 1, 2, 3, 4], 4)).toEqual({ edges: [0, 1, 2, 3, 4], counts: [1, 2, 1, 2] });
    // values outside an explicit range are dropped; a constant input gets a unit-wide range
    expect(histogram([-5, 0.5, 9], 2, [0, 1]).counts).toEqual([0, 1]);
    expect(histogram([3, 3], 2)).toEqual({ edges: [2.5, 3, 3.5], counts: [0, 2] });
  });
});

describe('terminalHistogram', () => {
  it('prints one bar per bin, the longest bar for the fullest bin, with counts', () => {
    const t = tf.tensor1d([0, 0.1, 0.1, 0.1, 0.2, 0.9, 1]);
    const out = terminalHistogram(t, { bins: 5, width: 20 });
    const lines = out.split('\n');
    expect(lines[0]).toBe('[7]  n=7  mean=0.3429  std=0.4198  min=0  max=1');
    expect(lines).toHaveLength(1 + 5 + 1);
    // bins of width 0.2: [0, .2) has 4, [.2, .4) 1, [.8, 1] 2
    expect(lines[1]).toBe(`    0 ┤${'█'.repeat(20)} 4`);
    expect(lines[2]).toBe(`  0.2 ┤${'█'.repeat(5)}${' '.repeat(15)} 1`);
    expect(lines[5]).toBe(`  0.8 ┤${'█'.repeat(10)}${' '.repeat(10)} 2`);
    expect(lines[6]).toBe('    1 ┘');
    t.dispose();
  });

  it('uses eighth blocks for partial cells and reads parameters', () => {
    const p = new nn.Parameter(tf.tensor1d([0, 0, 0, 0, 0, 0, 0, 0, 1]));
    const out = terminalHistogram(p, { bins: 2, width: 1 });
    expect(out.split('\n')[2]).toMatch(/┤▏ 1$/);
    p.dispose();
  });
});

describe('parameterStats', () => {
  it('reports shape, moments, zeros and gradient norms per parameter', () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
    const [w0, b0, w1] = model.parameters() as [nn.Parameter, nn.Parameter, nn.Parameter];
    w0.copy_(
      tf.tensor2d([
        [1, 2],
        [3, 0],
      ]),
    );
    b0.copy_(tf.tensor1d([0, 0]));
    w1.requiresGrad = false;
    w0.grad = tf.tensor2d([
      [3, 0],
      [0, 4],
    ]);
    const stats = parameterStats(model);
    const row = stats.rows[0];
    expect(row).toMatchObject({
      name: '0.weight',
      shape: [2, 2],
      numel: 4,
      mean: 1.5,
      min: 0,
      max: 3,
      zerosPercent: 25,
      gradNorm: 5,
    });
    // sample std of 1, 2, 3, 0: sqrt(5/3)
    expect(row?.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(stats.rows[1]).toMatchObject({ name: '0.bias', zerosPercent: 100, gradNorm: null });
    expect(stats.rows[2]).toMatchObject({ name: '1.weight', requiresGrad: false });
    const table = stats.toString().split('\n');
    expect(table[0]).toMatch(/^Name +Shape +Numel +Mean +Std +Min +Max +Zeros % +Grad norm +Trainable$/);
    expect(table[2]).toMatch(/^0\.weight +\[2, 2\] +4 +1\.5000 +1\.2910 +0 +3\.0000 +25\.00% +5\.0000 +True$/);
    expect(table[3]).toMatch(/ 100\.00% +-- +True$/);
    expect(table[4]).toMatch(/False$/);
    expect(JSON.parse(JSON.stringify(stats))).toHaveLength(4);
    model.dispose();
  });
});
