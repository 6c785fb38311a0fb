import { beforeAll, describe, expect, it } from 'vitest';
import { nn, optim, tf, useBackend } from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
interface SchedulerCase {
  name: string;
  scheduler:
    | 'StepLR'
    | 'MultiStepLR'
    | 'CosineAnnealingLR'
    | 'ReduceLROnPlateau'
    | 'ExponentialLR'
    | 'LambdaLR'
    | 'OneCycleLR';
  optimizer: 'SGD' | 'Adam';
  optimizer_options: Record<string, Json>;
  lrs: number[];
  options: Record<string, Json>;
  metrics: number[] | null;
  history: number[][];
  /** each group's momentum (SGD) or beta1 (Adam) after construction and each epoch */
  momenta: number[][];
  last_lr: number[];
  resume_after: number;
  resume: {
    scheduler: Record<string, Json>;
    lrs: number[];
    initial_lrs: (number | null)[];
    param_groups: optim.OptimizerStateDict['param_groups'];
  };
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
type AnyOptimizer = optim.SGD | optim.Adam;
const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

function makeOptimizer(c: SchedulerCase, lrs: number[]): AnyOptimizer {
  const groups = lrs.map((lr) => ({ params: [new nn.Parameter(tf.zeros([1]))], lr }));
  const options = Object.fromEntries(Object.entries(c.optimizer_options).map(([k, v]) => [camel(k), v]));
  return c.optimizer === 'Adam'
    ? new optim.Adam(groups, { lr: lrs[0]!, ...options })
    : new optim.SGD(groups, { lr: lrs[0]!, ...options });
}

/** SGD's momentum or Adam's beta1, as the fixture records it. */
function momenta(opt: AnyOptimizer): number[] {
  return opt.paramGroups.map((g) => ('betas' in g ? g.betas[0] : g.momentum));
}

function stepAndCompare(c: SchedulerCase, opt: AnyOptimizer, sched: AnyScheduler, from: number): void {
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
    momenta(opt).forEach((m, i) => {
      const want = c.momenta[epoch + 1]![i]!;
      expect(
        Math.abs(m - want),
        `${c.scheduler} ${c.name} epoch ${epoch + 1} group ${i} momentum: ${m} vs ${want}`,
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
    } else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
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
    expect(fixture.cases.length).toBe(18);
    for (const c of fixture.cases) {
      const opt = makeOptimizer(c, c.lrs);
      const sched = makeOn(c, opt);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(c.history[0]);
      expect(momenta(opt)).toEqual(c.momenta[0]);
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
      const opt = makeOptimizer(c, c.resume.lrs);
      opt.paramGroups.forEach((g, i) => {
        const initial = c.resume.initial_lrs[i];
        if (initial !== null && initial !== undefined) g.initialLr = initial;
      });
      const sched = makeOn(c, opt);
      // construction did not move the lr, except where it is computed from initial_lr alone (OneCycleLR, LambdaLR)
      if (c.scheduler !== 'OneCycleLR' && c.scheduler !== 'LambdaLR') {
        expect(opt.paramGroups.map((g) => g.lr)).toEqual(c.resume.lrs);
      }
      // then the optimizer's groups as PyTorch saved them (OneCycleLR's max_lr, min_lr, momenta travel there)
      opt.loadStateDict({ state: {}, param_groups: c.resume.param_groups });
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(c.resume.lrs);
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

  it('ExponentialLR, LambdaLR and OneCycleLR reject bad options with the option named', () => {
    const opt = () => new optim.SGD([new nn.Parameter(tf.zeros([1]))], { lr: 0.1 });
    expect(() => new optim.ExponentialLR(opt(), Number.NaN)).toThrow(
      'ExponentialLR: gamma must be a finite non-negative number, got NaN',
    );
    expect(() => new optim.LambdaLR(opt(), [(e) => e, (e) => e])).toThrow(
      'LambdaLR: Expected 1 lr_lambdas (one per parameter group), but got 2',
    );
    expect(() => new optim.LambdaLR(opt(), () => Number.NaN)).toThrow(
      'LambdaLR: lr_lambdas[0](0) returned NaN, expected a number',
    );
    const lambda = new optim.LambdaLR(opt(), (e) => 0.5 ** e);
    expect(() => lambda.loadStateDict({ ...lambda.stateDict(), lr_lambdas: [{ factor: 2 }] })).toThrow(
      'LambdaLR.loadStateDict: lr_lambdas[0] holds the attributes of a callable object',
    );
    expect(() => new optim.OneCycleLR(opt(), 0.1)).toThrow(
      'OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)',
    );
    expect(() => new optim.OneCycleLR(opt(), 0.1, { totalSteps: 2.5 })).toThrow(
      'Expected positive integer total_steps, but got 2.5',
    );
    expect(() => new optim.OneCycleLR(opt(), 0.1, { epochs: 3 })).toThrow(
      'Expected positive integer steps_per_epoch, but got undefined',
    );
    expect(() => new optim.OneCycleLR(opt(), 0.1, { totalSteps: 10, pctStart: 1.5 })).toThrow(
      'Expected float between 0 and 1 pct_start, but got 1.5',
    );
    expect(() => new optim.OneCycleLR(opt(), 0.1, { totalSteps: 10, annealStrategy: 'exp' as 'cos' })).toThrow(
      "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
    );
    expect(() => new optim.OneCycleLR(opt(), [0.1, 0.2], { totalSteps: 10 })).toThrow(
      'OneCycleLR: expected 1 values for max_lr, got 2',
    );
    const adagrad = new optim.Adagrad([new nn.Parameter(tf.zeros([1]))]);
    expect(() => new optim.OneCycleLR(adagrad, 0.1, { totalSteps: 10 })).toThrow(
      'OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled (Adagrad has neither momentum nor betas)',
    );
    const noMomentum = new optim.OneCycleLR(adagrad, 0.1, { totalSteps: 10, cycleMomentum: false });
    expect(noMomentum.getLastLr()[0]).toBeCloseTo(0.1 / 25, 15);
  });

  it('OneCycleLR refuses to step past totalSteps, as PyTorch', () => {
    const sched = new optim.OneCycleLR(new optim.SGD([new nn.Parameter(tf.zeros([1]))], { lr: 0.1 }), 1, {
      totalSteps: 4,
    });
    for (let i = 0; i < 4; i++) sched.step();
    expect(() => sched.step()).toThrow('OneCycleLR: Tried to step 6 times. The specified number of total steps is 4');
  });

  it('OneCycleLR drives the momentum an optimizer step uses', () => {
    const w = new nn.Parameter(tf.ones([1]));
    const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.5 });
    new optim.OneCycleLR(opt, 1, { totalSteps: 10, maxMomentum: 0.9, baseMomentum: 0.8 });
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(1 / 25, 15);
    expect(opt.paramGroups[0]!.momentum).toBe(0.9);
    w.grad = tf.ones([1]);
    opt.step(); // first step: the buffer is the gradient, θ = 1 - lr·1
    w.grad.dispose();
    w.grad = tf.ones([1]);
    const lr0 = opt.paramGroups[0]!.lr;
    opt.step(); // b = 0.9·1 + 1
    expect(w.data.dataSync()[0]).toBeCloseTo(1 - lr0 - lr0 * 1.9, 6);
    w.dispose();
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
  lr_lambda: string | string[];
  max_lr: number | number[];
  total_steps: number;
  epochs: number;
  steps_per_epoch: number;
  pct_start: number;
  anneal_strategy: 'cos' | 'linear';
  cycle_momentum: boolean;
  base_momentum: number | number[];
  max_momentum: number | number[];
  div_factor: number;
  final_div_factor: number;
  three_phase: boolean;
}

/** tools/fixtures/schedulers.py's LAMBDAS, under the same names. */
const LAMBDAS: Record<string, optim.LrLambda> = {
  'warmup 5 then 0.9^t': (t) => Math.min(1, (t + 1) / 5) * 0.9 ** Math.max(0, t - 4),
  '1 / (1 + t)': (t) => 1 / (1 + t),
  'halve every 4': (t) => 0.5 ** Math.floor(t / 4),
};

function makeOn(c: SchedulerCase, opt: AnyOptimizer): AnyScheduler {
  const o = c.options as unknown as TorchOptions;
  if (c.scheduler === 'ExponentialLR') return new optim.ExponentialLR(opt, o.gamma);
  if (c.scheduler === 'LambdaLR') {
    const fns = Array.isArray(o.lr_lambda) ? o.lr_lambda.map((n) => LAMBDAS[n]!) : LAMBDAS[o.lr_lambda]!;
    return new optim.LambdaLR(opt, fns);
  }
  if (c.scheduler === 'OneCycleLR') {
    return new optim.OneCycleLR(opt, o.max_lr, {
      totalSteps: o.total_steps,
      epochs: o.epochs,
      stepsPerEpoch: o.steps_per_epoch,
      pctStart: o.pct_start,
      annealStrategy: o.anneal_strategy,
      cycleMomentum: o.cycle_momentum,
      baseMomentum: o.base_momentum,
      maxMomentum: o.max_momentum,
      divFactor: o.div_factor,
      finalDivFactor: o.final_div_factor,
      threePhase: o.three_phase,
    });
  }
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
