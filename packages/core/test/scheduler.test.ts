import { beforeAll, describe, expect, it } from 'vitest';
import { nn, optim, tf, useBackend } from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
interface SchedulerCase {
  name: string;
  scheduler: 'StepLR' | 'MultiStepLR' | 'CosineAnnealingLR' | 'ReduceLROnPlateau';
  lrs: number[];
  options: Record<string, Json>;
  metrics: number[] | null;
  history: number[][];
  last_lr: number[];
  resume_after: number;
  resume: { scheduler: Record<string, Json>; lrs: number[]; initial_lrs: (number | null)[] };
  state_dict: Record<string, Json>;
}

const fixture = loadFixture<SchedulerCase[]>('schedulers');
// PyTorch's attributes for printing and for its step-order warning, which trainkit's schedulers do not have.
const TORCH_ONLY = new Set(['verbose', '_get_lr_called_within_step']);

/** The fixture writes ±inf as strings, since JSON has no infinities. */
function decode(v: Json): unknown {
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

type AnyScheduler = optim.LRScheduler | optim.ReduceLROnPlateau;

function makeOptimizer(lrs: number[]): optim.SGD {
  return new optim.SGD(
    lrs.map((lr) => ({ params: [new nn.Parameter(tf.zeros([1]))], lr })),
    { lr: lrs[0]! },
  );
}

function stepAndCompare(c: SchedulerCase, opt: optim.SGD, sched: AnyScheduler, from: number): void {
  for (let epoch = from; epoch < c.history.length - 1; epoch++) {
    if (sched instanceof optim.ReduceLROnPlateau) sched.step(c.metrics![epoch]!);
    else sched.step();
    const lrs = opt.paramGroups.map((g) => g.lr);
    lrs.forEach((lr, i) => {
      const want = c.history[epoch + 1]![i]!;
      expect(
        Math.abs(lr - want),
        `${c.scheduler} ${c.name} epoch ${epoch + 1} group ${i}: ${lr} vs ${want}`,
      ).toBeLessThanOrEqual(1e-12 + 1e-10 * Math.abs(want));
    });
  }
}

function expectStateDict(mine: optim.SchedulerStateDict, theirs: Record<string, Json>, label: string): void {
  const expected = decode(theirs) as Record<string, unknown>;
  expect(Object.keys(mine).sort(), label).toEqual(
    Object.keys(expected)
      .filter((k) => !TORCH_ONLY.has(k))
      .sort(),
  );
  for (const [k, v] of Object.entries(mine)) {
    const want = expected[k];
    if (typeof v === 'number' && typeof want === 'number' && Number.isFinite(want)) {
      expect(v, `${label} ${k}`).toBeCloseTo(want, 12);
    } else if (Array.isArray(v)) {
      expect(v.length, `${label} ${k}`).toBe((want as number[]).length);
      v.forEach((x, i) => {
        expect(x, `${label} ${k}[${i}]`).toBeCloseTo((want as number[])[i]!, 12);
      });
    } else {
      expect(v, `${label} ${k}`).toEqual(want);
    }
  }
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('LR schedulers', () => {
  it("match PyTorch 1.13's learning rates over 30 epochs, and its state dict", () => {
    expect(fixture.cases.length).toBe(9);
    for (const c of fixture.cases) {
      const opt = makeOptimizer(c.lrs);
      const sched = makeOn(c, opt);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(c.history[0]);
      stepAndCompare(c, opt, sched, 0);
      sched.getLastLr().forEach((lr, i) => {
        expect(lr).toBeCloseTo(c.last_lr[i]!, 12);
      });
      expectStateDict(sched.stateDict(), c.state_dict, `${c.scheduler} ${c.name}`);
    }
  });

  it("resume from PyTorch's state dict after epoch 15 and continue on PyTorch's values", () => {
    for (const c of fixture.cases) {
      // the optimizer as its loaded state dict leaves it: current lrs and, for epoch schedulers, initial_lr
      const opt = makeOptimizer(c.resume.lrs);
      opt.paramGroups.forEach((g, i) => {
        const initial = c.resume.initial_lrs[i];
        if (initial !== null && initial !== undefined) g.initialLr = initial;
      });
      const sched = makeOn(c, opt);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(c.resume.lrs); // construction did not move the lr
      sched.loadStateDict(decode(c.resume.scheduler) as optim.SchedulerStateDict);
      stepAndCompare(c, opt, sched, c.resume_after);
      expectStateDict(sched.stateDict(), c.state_dict, `${c.scheduler} ${c.name} resumed`);
    }
  });

  it("records initial_lr in the optimizer's groups, as PyTorch", () => {
    const opt = new optim.SGD(
      [{ params: [new nn.Parameter(tf.zeros([1]))] }, { params: [new nn.Parameter(tf.zeros([1]))], lr: 0.5 }],
      { lr: 0.1 },
    );
    const sched = new optim.lrScheduler.StepLR(opt, 1, { gamma: 0.5 });
    sched.step();
    expect(opt.paramGroups.map((g) => [g.lr, g.initialLr])).toEqual([
      [0.05, 0.1],
      [0.25, 0.5],
    ]);
    expect(opt.stateDict().param_groups.map((g) => g.initial_lr)).toEqual([0.1, 0.5]);
    expect(sched.baseLrs).toEqual([0.1, 0.5]);
  });

  it('rejects bad options and resuming without initial_lr', () => {
    const opt = () => new optim.SGD([new nn.Parameter(tf.zeros([1]))], { lr: 0.1 });
    expect(() => new optim.StepLR(opt(), 3, { lastEpoch: 4 })).toThrow(
      "StepLR: param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
    );
    expect(() => new optim.StepLR(opt(), 0)).toThrow('StepLR: stepSize must be a positive integer, got 0');
    expect(() => new optim.CosineAnnealingLR(opt(), 0)).toThrow('CosineAnnealingLR: tMax must be positive, got 0');
    expect(() => new optim.MultiStepLR(opt(), [2.5])).toThrow(
      'MultiStepLR: milestones must be integers (epochs), got 2.5',
    );
    expect(() => new optim.ReduceLROnPlateau(opt(), { factor: 1 })).toThrow('Factor should be < 1.0');
    expect(() => new optim.ReduceLROnPlateau(opt(), { minLr: [0, 0] })).toThrow(
      'expected 1 min_lrs (one per parameter group), got 2',
    );
    expect(() => new optim.ReduceLROnPlateau(opt(), { mode: 'up' as never })).toThrow('mode up is unknown!');
    const s = new optim.StepLR(opt(), 3);
    expect(() => s.loadStateDict({ ...s.stateDict(), base_lrs: [0.1, 0.2] })).toThrow(
      "StepLR.loadStateDict: expected 'base_lrs' to hold 1 numbers (one per group), got [0.1,0.2]",
    );
  });

  it('ReduceLROnPlateau takes the metric as a scalar tensor too', () => {
    const opt = new optim.SGD([new nn.Parameter(tf.zeros([1]))], { lr: 1 });
    const sched = new optim.ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    expect(sched.getLastLr()).toEqual([1]);
    sched.step(tf.scalar(2));
    sched.step(tf.scalar(3));
    expect(sched.getLastLr()).toEqual([0.5]);
    expect(sched.best).toBe(2);
  });
});

/** PyTorch's keyword arguments as the fixture records them (absent ones are undefined: the defaults apply). */
interface TorchOptions {
  step_size: number;
  gamma: number;
  milestones: number[];
  T_max: number;
  eta_min: number;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  threshold_mode: 'rel' | 'abs';
  cooldown: number;
  min_lr: number | number[];
  eps: number;
}

function makeOn(c: SchedulerCase, opt: optim.SGD): AnyScheduler {
  const o = c.options as unknown as TorchOptions;
  if (c.scheduler === 'StepLR') return new optim.StepLR(opt, o.step_size, { gamma: o.gamma });
  if (c.scheduler === 'MultiStepLR') return new optim.MultiStepLR(opt, o.milestones, { gamma: o.gamma });
  if (c.scheduler === 'CosineAnnealingLR') return new optim.CosineAnnealingLR(opt, o.T_max, { etaMin: o.eta_min });
  return new optim.ReduceLROnPlateau(opt, {
    mode: o.mode,
    factor: o.factor,
    patience: o.patience,
    threshold: o.threshold,
    thresholdMode: o.threshold_mode,
    cooldown: o.cooldown,
    minLr: o.min_lr,
    eps: o.eps,
  });
}
