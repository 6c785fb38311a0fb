import { beforeAll, describe, expect, it } from 'vitest';
import { backward, nn, tf, useBackend } from '../src/index.js';
import { expectClose, loadFixture, TEST_BACKENDS, toTensor } from './helpers/fixtures.js';
import { buildLayer, type LayerCase, type LayersFixture, stateTensors } from './helpers/layers-fixture.js';

const { cases } = loadFixture<LayersFixture>('layers');

/**
 * Runs every step of a case: the input is a Parameter so that one forward (which may update BatchNorm's running
 * statistics) yields the output and, through backward, the input and parameter gradients of sum(out * g).
 */
function runCase(c: LayerCase): void {
  const layer = buildLayer(c).train(c.training);
  expect(layer.toString()).toBe(c.repr);
  expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
  layer.loadStateDict(stateTensors(c.state));
  const forward = (x: tf.Tensor) => (layer.call as (x: tf.Tensor) => tf.Tensor).call(layer, x);
  c.steps.forEach((step, i) => {
    // integer inputs (Embedding's indices) are not differentiated
    const input = toTensor(step.input);
    const x = step.input_grad ? new nn.Parameter(input) : null;
    const g = toTensor(step.g);
    let out: tf.Tensor | undefined;
    layer.zeroGrad();
    backward(() => {
      out = tf.keep(forward(x ? x.data : input));
      return tf.sum(tf.mul(out, g));
    }, [...layer.parameters(), ...(x ? [x] : [])]);
    const label = `${c.name} step ${i}`;
    expectClose(out!, step.output, { label: `${label} output` });
    if (x) expectClose(x.grad!, step.input_grad!, { label: `${label} input grad` });
    const params = Object.fromEntries(layer.namedParameters());
    expect(Object.keys(params)).toEqual(Object.keys(step.param_grads));
    for (const [name, expected] of Object.entries(step.param_grads)) {
      expectClose(params[name]!.grad!, expected, { label: `${label} ${name} grad` });
    }
    tf.dispose([out!, g]);
    if (x) x.dispose();
    else input.dispose();
  });
  const after = layer.stateDict();
  for (const [name, expected] of Object.entries(c.state_after)) {
    expectClose(after[name]!, expected, { label: `${c.name} ${name} after` });
  }
  layer.dispose();
}

describe("layers print PyTorch's repr", () => {
  it('for settings the fixture cases do not cover', () => {
    // expected strings printed by PyTorch 1.13 for the same constructor calls
    expect(String(new nn.Softmax())).toBe('Softmax(dim=None)');
    expect(String(new nn.LogSoftmax({ dim: 1 }))).toBe('LogSoftmax(dim=1)');
    expect(String(new nn.AvgPool2d(2))).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(String(new nn.MaxPool2d([3, 2], { stride: [1, 2], padding: 1, dilation: 2 }))).toBe(
      'MaxPool2d(kernel_size=(3, 2), stride=(1, 2), padding=1, dilation=2, ceil_mode=False)',
    );
    expect(String(new nn.BatchNorm2d(3, { momentum: 1 }))).toBe(
      'BatchNorm2d(3, eps=1e-05, momentum=1.0, affine=True, track_running_stats=True)',
    );
    expect(String(new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1, dilation: 2, bias: false }))).toBe(
      'Conv2d(3, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), bias=False)',
    );
    expect(String(new nn.Conv1d(3, 4, 3, { padding: 'same' }))).toBe(
      'Conv1d(3, 4, kernel_size=(3,), stride=(1,), padding=same)',
    );
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`layers match PyTorch on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    for (const c of cases.layers) it(c.name, () => runCase(c));

    it('leave only their output behind after a forward pass', () => {
      for (const c of cases.layers) {
        const layer = buildLayer(c).train(c.training);
        const x = toTensor(c.steps[0]!.input);
        const before = tf.memory().numTensors;
        const out = (layer.call as (x: tf.Tensor) => tf.Tensor).call(layer, x);
        expect(tf.memory().numTensors, c.name).toBe(before + (out === x ? 0 : 1));
        tf.dispose([x, out]);
        layer.dispose();
      }
    });
  });
}
