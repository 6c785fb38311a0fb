import { beforeAll, describe, expect, it } from 'vitest';
import { nn, optim, tf, useBackend } from '../src/index.js';
import { expectClose, type JsonTensor, loadFixture, TEST_BACKENDS, toTensor } from './helpers/fixtures.js';

type JsonValue = JsonTensor | number | boolean | null | number[];
interface JsonStateDict {
  // RMSprop's `step` is a number, Adam's and Adagrad's a scalar tensor
  state: Record<string, Record<string, JsonTensor | number | null>>;
  param_groups: ({ params: number[] } & Record<string, JsonValue>)[];
}
interface OptimCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, JsonValue>;
  groups: Record<string, JsonValue>[] | null;
  init: JsonTensor[];
  grads: (JsonTensor | null)[][];
  after: JsonTensor[][];
  state_dict: JsonStateDict;
  resume_after: number;
  resume_state_dict: JsonStateDict;
}

const fixture = loadFixture<OptimCase[]>('optim');
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));
// PyTorch's switches for other devices and compilation, which trainkit's optimizers do not have.
const TORCH_ONLY = new Set(['foreach', 'capturable', 'differentiable', 'fused']);

function make(c: OptimCase, params: nn.Parameter[]): optim.Optimizer<optim.BaseOptions> {
  const groups = c.groups ? c.groups.map((g, i) => ({ params: [params[i]!], ...camelKeys(g) })) : params;
  const Ctor = optim[c.optimizer] as unknown as new (p: unknown, o: unknown) => optim.Optimizer<optim.BaseOptions>;
  return new Ctor(groups, camelKeys(c.options));
}

function fromJson(sd: JsonStateDict): optim.OptimizerStateDict {
  const state: optim.OptimizerStateDict['state'] = {};
  for (const [k, s] of Object.entries(sd.state)) {
    state[Number(k)] = Object.fromEntries(
      Object.entries(s).map(([n, v]) => [n, v === null || typeof v === 'number' ? v : toTensor(v)]),
    );
  }
  return { state, param_groups: sd.param_groups };
}

function runSteps(c: OptimCase, opt: optim.Optimizer<optim.BaseOptions>, params: nn.Parameter[], from: number): void {
  for (let step = from; step < c.grads.length; step++) {
    c.grads[step]!.forEach((g, i) => {
      params[i]!.zeroGrad();
      params[i]!.grad = g ? toTensor(g) : null;
    });
    opt.step();
    params.forEach((p, i) => {
      expectClose(p.data, c.after[step]![i]!, { label: `${c.optimizer} ${c.name} step ${step + 1} param ${i}` });
    });
  }
}

function expectStateDict(actual: optim.OptimizerStateDict, expected: JsonStateDict, label: string): void {
  expect(Object.keys(actual.state).sort()).toEqual(Object.keys(expected.state).sort());
  for (const [k, s] of Object.entries(expected.state)) {
    const mine = actual.state[Number(k)]!;
    expect(Object.keys(mine).sort(), `${label} state ${k} keys`).toEqual(Object.keys(s).sort());
    for (const [name, v] of Object.entries(s)) {
      const got = mine[name];
      if (v === null) expect(got, `${label} ${k}.${name}`).toBeNull();
      else if (name === 'step') expect(got, `${label} ${k}.step`).toBe(typeof v === 'number' ? v : v.data[0]);
      else expectClose(got as tf.Tensor, v, { label: `${label} state ${k}.${name}` });
    }
  }
  expect(actual.param_groups.length).toBe(expected.param_groups.length);
  actual.param_groups.forEach((g, i) => {
    const theirs = expected.param_groups[i]!;
    expect(g, `${label} param_groups[${i}]`).toEqual(
      Object.fromEntries(Object.entries(theirs).filter(([k]) => !TORCH_ONLY.has(k))),
    );
  });
}

for (const backend of TEST_BACKENDS) {
  describe(`optimizers on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('follow PyTorch 1.13 step by step, and end with its state dict', () => {
      expect(fixture.cases.length).toBe(30);
      expect(new Set(fixture.cases.map((c) => c.optimizer))).toEqual(
        new Set(['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad']),
      );
      for (const c of fixture.cases) {
        const params = c.init.map((t) => new nn.Parameter(toTensor(t)));
        const opt = make(c, params);
        runSteps(c, opt, params, 0);
        expectStateDict(opt.stateDict(), c.state_dict, `${c.optimizer} ${c.name}`);
        for (const p of params) p.dispose();
      }
    });

    it("resume from PyTorch's state dict mid-run and reach PyTorch's parameters", () => {
      for (const c of fixture.cases) {
        const params = c.after[c.resume_after - 1]!.map((t) => new nn.Parameter(toTensor(t)));
        const opt = make(c, params);
        const sd = fromJson(c.resume_state_dict);
        opt.loadStateDict(sd);
        for (const s of Object.values(sd.state))
          for (const v of Object.values(s)) if (v instanceof tf.Tensor) v.dispose();
        runSteps(c, opt, params, c.resume_after);
        expectStateDict(opt.stateDict(), c.state_dict, `${c.optimizer} ${c.name} resumed`);
        for (const p of params) p.dispose();
      }
    });

    it('leave tf.memory().numTensors flat over 20 steps', () => {
      const w = new nn.Parameter(tf.randomNormal([4, 3], 0, 1, 'float32', 1));
      const b = new nn.Parameter(tf.zeros([3]));
      const x = tf.randomNormal([8, 4], 0, 1, 'float32', 2);
      const y = tf.randomNormal([8, 3], 0, 1, 'float32', 3);
      const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w.data), b.data), y)));
      const optimizers = [
        new optim.SGD([w, b], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
        new optim.Adam([w, b], { amsgrad: true, weightDecay: 0.01 }),
        new optim.AdamW([{ params: [w] }, { params: [b], lr: 0.1 }], { amsgrad: true }),
        new optim.RMSprop([w, b], { centered: true, momentum: 0.5, weightDecay: 0.01 }),
        new optim.Adagrad([w, b], { lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 }),
      ];
      for (const opt of optimizers) {
        const first = opt.step(loss)!;
        const before = tf.memory().numTensors;
        let last = first;
        for (let i = 0; i < 20; i++) last = opt.step(loss)!;
        expect(tf.memory().numTensors, opt.constructor.name).toBe(before);
        expect(last).toBeLessThan(first);
      }
    });
  });
}

describe('Optimizer', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  const param = () => new nn.Parameter(tf.ones([2]));

  it("validates options with PyTorch's messages", () => {
    expect(() => new optim.SGD([param()], { lr: -1 })).toThrow('SGD: Invalid learning rate: -1');
    expect(() => new optim.SGD([param()], { lr: 0.1, momentum: -0.5 })).toThrow('Invalid momentum value: -0.5');
    expect(() => new optim.SGD([param()], { lr: 0.1, weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new optim.SGD([param()], { lr: 0.1, nesterov: true })).toThrow(
      'Nesterov momentum requires a momentum and zero dampening',
    );
    expect(() => new optim.SGD([param()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(
      'zero dampening',
    );
    expect(() => new optim.Adam([param()], { lr: -0.1 })).toThrow('Adam: Invalid learning rate: -0.1');
    expect(() => new optim.Adam([param()], { betas: [1, 0.9] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new optim.AdamW([param()], { betas: [0.9, -0.1] })).toThrow(
      'AdamW: Invalid beta parameter at index 1: -0.1',
    );
    expect(() => new optim.Adam([param()], { eps: -1 })).toThrow('Invalid epsilon value: -1');
    expect(() => new optim.AdamW([param()], { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    // a group's own options are validated too
    expect(() => new optim.SGD([{ params: [param()] }, { params: [param()], lr: -2 }], { lr: 0.1 })).toThrow(
      'Invalid learning rate: -2',
    );
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow('SGD: got an empty parameter list');
    const p = param();
    expect(() => new optim.SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow(
      'more than one parameter group',
    );
  });

  it('prints its groups like PyTorch', () => {
    const opt = new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });
    expect(opt.toString()).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: False\n    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n)',
    );
    expect(new optim.Adam([param()]).toString()).toContain('    betas: (0.9, 0.999)\n    eps: 1e-08\n');
  });

  it('step(closure) clears the gradients, back-propagates, updates and returns the loss', () => {
    const w = new nn.Parameter(tf.tensor([1, 2]));
    const opt = new optim.SGD([w], { lr: 0.5 });
    w.grad = tf.tensor([100, 100]); // a stale gradient must not be added
    const loss = opt.step(() => tf.sum(tf.square(w.data)));
    expect(loss).toBe(5);
    expect(Array.from(w.data.dataSync())).toEqual([0, 0]); // w - 0.5 * 2w
    w.requiresGrad = false;
    w.grad = tf.tensor([1, 1]);
    opt.step();
    expect(Array.from(w.data.dataSync())).toEqual([0, 0]); // frozen parameters are left alone
  });

  it('dispose() frees every state tensor and clears the state; twice is harmless, a later step starts afresh', () => {
    const a = new nn.Parameter(tf.ones([2, 3]));
    const b = new nn.Parameter(tf.ones([3]));
    a.grad = tf.ones([2, 3]);
    b.grad = tf.ones([3]);
    const before = tf.memory().numTensors;
    for (const opt of [
      new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 }),
      new optim.Adam([{ params: [a] }, { params: [b], lr: 0.01 }], { amsgrad: true }),
      new optim.AdamW([a, b]),
    ]) {
      const name = opt.constructor.name;
      opt.step();
      opt.step();
      const held = [...opt.state.values()].flatMap((s) => Object.values(s)).filter((v) => v instanceof tf.Tensor);
      expect(held.length, name).toBe(name === 'SGD' ? 2 : name === 'Adam' ? 6 : 4);
      expect(tf.memory().numTensors, name).toBe(before + held.length);
      opt.dispose();
      expect(
        held.every((t) => t.isDisposed),
        name,
      ).toBe(true);
      expect(opt.state.size, name).toBe(0);
      expect(tf.memory().numTensors, name).toBe(before);
      opt.dispose();
      expect(tf.memory().numTensors, name).toBe(before);
      opt.step(); // like a new optimizer: fresh state
      expect(opt.state.size, name).toBe(2);
      opt.dispose();
      expect(tf.memory().numTensors, name).toBe(before);
    }
    a.dispose(); // and its gradient
    b.dispose();
  });

  it('refuses a state dict that does not fit, changing nothing', () => {
    const a = param();
    const b = new nn.Parameter(tf.ones([3]));
    const opt = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad = tf.ones([2]);
    b.grad = tf.ones([3]);
    opt.step();
    const good = opt.stateDict();
    const other = new optim.SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    expect(() => other.loadStateDict(good)).toThrow('SGD.loadStateDict: expected 2 parameter groups, got 1');
    const swapped = new optim.SGD([b, a], { lr: 0.2, momentum: 0.9 });
    expect(() => swapped.loadStateDict(good)).toThrow(
      "SGD.loadStateDict: state 'momentum_buffer' of parameter 0: expected shape [3], got [2]",
    );
    expect(swapped.paramGroups[0]!.lr).toBe(0.2);
    expect(swapped.state.size).toBe(0);
  });

  it('writes options under PyTorch names in the state dict and reads them back', () => {
    const opt = new optim.AdamW([param()], { lr: 0.01 });
    const sd = opt.stateDict();
    expect(sd.param_groups[0]).toEqual({
      lr: 0.01,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0.01,
      amsgrad: false,
      maximize: false,
      params: [0],
    });
    const copy = new optim.AdamW([param()], { lr: 0.5 });
    copy.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0]!, weight_decay: 0.2, initial_lr: 0.03 }] });
    expect(copy.paramGroups[0]!.weightDecay).toBe(0.2);
    expect(copy.paramGroups[0]!.initialLr).toBe(0.03);
    expect(copy.paramGroups[0]!.lr).toBe(0.01);
  });
});

describe('RMSprop and Adagrad', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  const param = () => new nn.Parameter(tf.ones([2]));

  it("validate options with PyTorch's messages", () => {
    expect(() => new optim.RMSprop([param()], { lr: -1 })).toThrow('RMSprop: Invalid learning rate: -1');
    expect(() => new optim.RMSprop([param()], { alpha: -0.1 })).toThrow('RMSprop: Invalid alpha value: -0.1');
    expect(() => new optim.RMSprop([param()], { eps: -1 })).toThrow('RMSprop: Invalid epsilon value: -1');
    expect(() => new optim.RMSprop([param()], { momentum: Number.NaN })).toThrow('Invalid momentum value: NaN');
    expect(() => new optim.RMSprop([param()], { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new optim.Adagrad([param()], { lrDecay: -1 })).toThrow('Adagrad: Invalid lr_decay value: -1');
    expect(() => new optim.Adagrad([param()], { initialAccumulatorValue: -1 })).toThrow(
      'Adagrad: Invalid initial_accumulator_value value: -1',
    );
    expect(() => new optim.Adagrad([param()], { eps: -1 })).toThrow('Adagrad: Invalid epsilon value: -1');
    expect(() => new optim.Adagrad([param()], { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
  });

  it("have PyTorch's defaults", () => {
    expect(new optim.RMSprop([param()]).stateDict().param_groups[0]).toEqual({
      lr: 0.01,
      alpha: 0.99,
      eps: 1e-8,
      weight_decay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      params: [0],
    });
    expect(new optim.Adagrad([param()]).stateDict().param_groups[0]).toEqual({
      lr: 0.01,
      lr_decay: 0,
      weight_decay: 0,
      initial_accumulator_value: 0,
      eps: 1e-10,
      maximize: false,
      params: [0],
    });
  });

  it('Adagrad holds its state from construction, also for a group added later, and starts afresh after dispose', () => {
    // as PyTorch 1.13, every sum starts from the constructor's initialAccumulatorValue, whatever the group says
    const a = param();
    const b = new nn.Parameter(tf.ones([3]));
    const before = tf.memory().numTensors;
    const opt = new optim.Adagrad([a], { initialAccumulatorValue: 0.25 });
    opt.addParamGroup({ params: [b], initialAccumulatorValue: 2 });
    const sd = opt.stateDict();
    expect(sd.state[0]!.step).toBe(0);
    expect(Array.from((sd.state[0]!.sum as tf.Tensor).dataSync())).toEqual([0.25, 0.25]);
    expect(Array.from((sd.state[1]!.sum as tf.Tensor).dataSync())).toEqual([0.25, 0.25, 0.25]);
    expect(sd.param_groups[1]!.initial_accumulator_value).toBe(2);
    expect(tf.memory().numTensors).toBe(before + 2);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.grad = tf.tensor([1, 2]);
    opt.step(); // sum = 0.25 + g², θ = 1 - 0.01 g / √sum
    expect(opt.state.get(a)!.step).toBe(1);
    const want = [1 - 0.01 / Math.sqrt(1.25), 1 - 0.02 / Math.sqrt(4.25)];
    Array.from(a.data.dataSync()).forEach((x, i) => {
      expect(x).toBeCloseTo(want[i]!, 6);
    });
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it('RMSprop creates a momentum buffer when momentum is switched on after the first step', () => {
    const w = param();
    const opt = new optim.RMSprop([w]);
    w.grad = tf.ones([2]);
    opt.step();
    expect(Object.keys(opt.state.get(w)!).sort()).toEqual(['square_avg', 'step']);
    opt.paramGroups[0]!.momentum = 0.9;
    opt.step();
    expect(Object.keys(opt.state.get(w)!).sort()).toEqual(['momentum_buffer', 'square_avg', 'step']);
    opt.dispose();
    w.dispose();
  });

  it('print their groups like PyTorch', () => {
    expect(new optim.RMSprop([param()], { centered: true }).toString()).toBe(
      'RMSprop (\nParameter Group 0\n    alpha: 0.99\n    centered: True\n    eps: 1e-08\n    lr: 0.01\n    maximize: False\n    momentum: 0\n    weight_decay: 0\n)',
    );
    expect(new optim.Adagrad([param()]).toString()).toContain('    initial_accumulator_value: 0\n    lr: 0.01\n');
  });
});
