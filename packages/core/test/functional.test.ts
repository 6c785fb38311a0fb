import { beforeAll, describe, expect, it } from 'vitest';
import { F, tf, useBackend } from '../src/index.js';
import { expectClose, loadFixture, TEST_BACKENDS, toTensor } from './helpers/fixtures.js';
import { camelKeys, type FunctionalCase, type LayerCase, type LayersFixture } from './helpers/layers-fixture.js';

const { cases } = loadFixture<LayersFixture>('layers');

type Fn = (x: tf.Tensor, p: Record<string, tf.Tensor>) => tf.Tensor;

/**
 * Each layer case again through its functional form, with the layer's weights as plain tensors: the layers call
 * these functions, and this checks the functions' own argument handling (positional and options objects).
 */
function functionalForm(c: LayerCase): Fn | undefined {
  const [a0, a1] = c.args as [never, never];
  const kw = camelKeys(c.kwargs) as Record<string, never>;
  const { bias: _bias, ...convOptions } = kw;
  switch (c.layer) {
    case 'Linear':
      return (x, p) => F.linear(x, p.weight!, p.bias);
    case 'Conv2d':
      return (x, p) => F.conv2d(x, p.weight!, p.bias, convOptions);
    case 'Conv1d':
      return (x, p) => F.conv1d(x, p.weight!, p.bias, convOptions);
    case 'MaxPool2d':
      return (x) => F.maxPool2d(x, a0, kw);
    case 'AvgPool2d':
      return (x) => F.avgPool2d(x, a0, kw);
    case 'AdaptiveAvgPool2d':
      return (x) => F.adaptiveAvgPool2d(x, a0);
    case 'ReLU':
      return (x) => F.relu(x);
    case 'LeakyReLU':
      return (x) => (a0 === undefined ? F.leakyRelu(x) : F.leakyRelu(x, a0));
    case 'Sigmoid':
      return (x) => F.sigmoid(x);
    case 'Tanh':
      return (x) => F.tanh(x);
    case 'GELU':
      return (x) => (kw.approximate ? F.gelu(x, { approximate: kw.approximate }) : F.gelu(x));
    case 'Softmax':
      return (x) => F.softmax(x, a0 ?? kw.dim);
    case 'LogSoftmax':
      return (x) => F.logSoftmax(x, a0 ?? kw.dim);
    case 'Flatten':
      return (x) => F.flatten(x, a0 ?? 1, a1 ?? -1);
    default:
      return undefined;
  }
}

/** Output and gradients of sum(f(x, params) * g) with respect to x and every parameter, by tf.grads. */
function check(f: Fn, x: tf.Tensor, params: Record<string, tf.Tensor>, g: tf.Tensor) {
  const names = Object.keys(params);
  const run = (...args: tf.Tensor[]) => f(args[0]!, Object.fromEntries(names.map((n, i) => [n, args[i + 1]!])));
  const out = run(x, ...Object.values(params));
  const grads = tf.grads(run)([x, ...Object.values(params)], g);
  return { out, grads: Object.fromEntries([['input', grads[0]!], ...names.map((n, i) => [n, grads[i + 1]!])]) };
}

function stateless(c: LayerCase): boolean {
  return c.steps.length === 1 && functionalForm(c) !== undefined;
}

for (const backend of TEST_BACKENDS) {
  describe(`functional forms match PyTorch on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const c of cases.functional) {
      it(`${c.name} (keyword and positional arguments)`, () => {
        const x = toTensor(c.inputs.input!);
        const w = c.inputs.weight ? toTensor(c.inputs.weight) : undefined;
        const g = toTensor(c.g);
        for (const [form, f] of forms(c)) {
          const { out, grads } = check((xi, p) => f(xi, p.weight), x, w ? { weight: w } : {}, g);
          expectClose(out, c.output, { label: `${c.name} ${form} output` });
          expectClose(grads.input!, c.grads.input!, { label: `${c.name} ${form} input grad` });
          if (w) expectClose(grads.weight!, c.grads.weight!, { label: `${c.name} ${form} weight grad` });
        }
      });
    }

    for (const c of cases.layers.filter(stateless)) {
      it(`F form of ${c.name}`, () => {
        const f = functionalForm(c)!;
        const step = c.steps[0]!;
        const params = Object.fromEntries(Object.keys(step.param_grads).map((n) => [n, toTensor(c.state[n]!)]));
        const { out, grads } = check(f, toTensor(step.input), params, toTensor(step.g));
        expectClose(out, step.output, { label: `${c.name} output` });
        expectClose(grads.input!, step.input_grad!, { label: `${c.name} input grad` });
        for (const [n, expected] of Object.entries(step.param_grads)) {
          expectClose(grads[n]!, expected, { label: `${c.name} ${n} grad` });
        }
      });
    }

    for (const c of cases.layers.filter((l) => l.layer.startsWith('BatchNorm'))) {
      it(`F.batchNorm for ${c.name}, updating tf.Variable statistics in place`, () => {
        const kw = camelKeys(c.kwargs) as { momentum?: number | null; eps?: number; trackRunningStats?: boolean };
        const tracked = kw.trackRunningStats ?? true;
        const runningMean = tracked ? tf.variable(toTensor(c.state.running_mean!), false) : null;
        const runningVar = tracked ? tf.variable(toTensor(c.state.running_var!), false) : null;
        const params = Object.fromEntries(Object.keys(c.steps[0]!.param_grads).map((n) => [n, toTensor(c.state[n]!)]));
        let batches = tracked ? (toTensor(c.state.num_batches_tracked!).arraySync() as number) : 0;
        c.steps.forEach((step, i) => {
          const training = c.training || !tracked;
          if (c.training) batches++;
          // the layer's momentum=None: the running statistics are the cumulative average over the batches
          const momentum = kw.momentum === null ? 1 / batches : (kw.momentum ?? 0.1);
          // positional arguments as in PyTorch for the first step, an options object afterwards
          const f: Fn = (x, p) =>
            i === 0
              ? F.batchNorm(
                  x,
                  runningMean,
                  runningVar,
                  p.weight ?? null,
                  p.bias ?? null,
                  training,
                  momentum,
                  kw.eps ?? 1e-5,
                )
              : F.batchNorm(x, runningMean, runningVar, { ...p, training, momentum, eps: kw.eps });
          // tf.grads runs f again: forward once on copies of the statistics so they update exactly once per step
          const snapshot = [runningMean?.clone(), runningVar?.clone()];
          const { out, grads } = check(f, toTensor(step.input), params, toTensor(step.g));
          expectClose(out, step.output, { label: `${c.name} step ${i} output` });
          expectClose(grads.input!, step.input_grad!, { label: `${c.name} step ${i} input grad` });
          for (const [n, expected] of Object.entries(step.param_grads)) {
            expectClose(grads[n]!, expected, { label: `${c.name} step ${i} ${n} grad` });
          }
          if (runningMean && runningVar) {
            runningMean.assign(snapshot[0]!);
            runningVar.assign(snapshot[1]!);
            tf.tidy(() => f(toTensor(step.input), params));
          }
        });
        if (runningMean && runningVar) {
          expectClose(runningMean, c.state_after.running_mean!, { label: `${c.name} running_mean` });
          expectClose(runningVar, c.state_after.running_var!, { label: `${c.name} running_var` });
        }
      });
    }

    it("softmax without dim takes PyTorch's implicit one: 0 for ranks 1 and 3, else 1", () => {
      for (const shape of [[5], [3, 4], [2, 3, 4], [2, 3, 4, 2]]) {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 4);
        const dim = shape.length === 1 || shape.length === 3 ? 0 : 1;
        expect(F.softmax(x).arraySync(), `rank ${shape.length}`).toEqual(F.softmax(x, dim).arraySync());
        expect(F.logSoftmax(x).arraySync(), `rank ${shape.length}`).toEqual(F.logSoftmax(x, dim).arraySync());
      }
    });

    it('takes unbatched [C, H, W] input for pools, as PyTorch does', () => {
      const x = tf.randomNormal([2, 5, 7], 0, 1, 'float32', 2);
      const batched = tf.expandDims(x, 0);
      for (const [name, f] of [
        ['maxPool2d', (t: tf.Tensor) => F.maxPool2d(t, 3, { stride: 2, padding: 1 })],
        ['avgPool2d', (t: tf.Tensor) => F.avgPool2d(t, 2, { ceilMode: true })],
        ['adaptiveAvgPool2d', (t: tf.Tensor) => F.adaptiveAvgPool2d(t, [2, 3])],
      ] as const) {
        const got = f(x);
        const want = tf.squeeze(f(batched), [0]);
        expect(got.shape, name).toEqual(want.shape);
        expect(got.arraySync(), name).toEqual(want.arraySync());
      }
    });
  });
}

/** The functional call of a fixture case in PyTorch's positional form and with an options object. */
function forms(c: FunctionalCase): [string, (x: tf.Tensor, w?: tf.Tensor) => tf.Tensor][] {
  const kw = c.kwargs as Record<string, never>;
  if (c.fn === 'conv2d') {
    return [
      ['options', (x, w) => F.conv2d(x, w!, null, camelKeys(kw))],
      [
        'positional',
        (x, w) => F.conv2d(x, w!, undefined, kw.stride ?? 1, kw.padding ?? 0, kw.dilation ?? 1, kw.groups ?? 1),
      ],
    ];
  }
  if (c.fn === 'max_pool2d') {
    const { kernel_size, ...rest } = kw;
    const k = kernel_size as unknown as F.IntOrPair;
    return [
      ['options', (x) => F.maxPool2d(x, k, camelKeys(rest))],
      [
        'positional',
        (x) => F.maxPool2d(x, k, kw.stride ?? null, kw.padding ?? 0, kw.dilation ?? 1, kw.ceil_mode ?? false),
      ],
    ];
  }
  throw new Error(`no functional form for ${c.fn}`);
}
