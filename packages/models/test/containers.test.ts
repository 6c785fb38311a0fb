import { nn, noGrad, tf, useBackend } from '@trainkit/core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resnet18, vgg16 } from '../src/index.js';
import { parameterCount, run, stateKeys, yieldToEventLoop } from './helpers/builders.js';
import { formulaInput, formulaState } from './helpers/formula-state.js';
import { modelsFixture } from './helpers/models-fixture.js';

beforeAll(() => useBackend('cpu'));
beforeEach(yieldToEventLoop);

const fixture = (name: string) => modelsFixture.cases.models.find((c) => c.name === name)!;

/** Runs model on x in eval mode and returns the output and what `layer` returned during that pass (or null). */
function outputAndLayerOutput(model: nn.Module, layer: nn.Module, x: tf.Tensor): [tf.Tensor, tf.Tensor | null] {
  let seen: tf.Tensor | null = null;
  const handle = layer.registerForwardHook((_m, _inputs, out) => {
    seen = tf.keep((out as tf.Tensor).clone());
  });
  const y = noGrad(() => run(model, x) as tf.Tensor);
  handle.remove();
  return [y, seen];
}

describe("the tutorial's edits of torchvision models", () => {
  it('vgg16.classifier.set(6, new nn.Linear(4096, 10)) replaces the head in forward, parameters() and stateDict()', () => {
    // torchvision-shaped weights that are not all zero, without drawing 138 M initial ones first
    const model = nn.utils.skipInit(() => vgg16()).eval();
    const weights = formulaState(fixture('vgg16').keys);
    model.loadStateDict(weights, { strict: true });
    tf.dispose(Object.values(weights));
    const old = model.classifier.at(6) as nn.Linear;
    const head = new nn.Linear(4096, 10);
    model.classifier.set(6, head);

    expect(model.classifier.at(6)).toBe(head);
    expect(model.classifier.length).toBe(7);
    const params = model.parameters();
    expect(params).toContain(head.weight);
    expect(params).not.toContain(old.weight);
    // the count and keys torchvision's vgg16(num_classes=10) has
    const { other, keys } = fixture('vgg16');
    expect(other.numClasses).toBe(10);
    expect(parameterCount(model)).toBe(other.count);
    const changed = new Map(other.changed);
    expect(stateKeys(model)).toEqual(keys.map(([k, shape, dtype]) => [k, changed.get(k) ?? shape, dtype]));
    expect(model.stateDict()['classifier.6.weight']).toBe(head.weight.data);

    const x = formulaInput([1, 3, 32, 32]);
    const [y, fromHead] = outputAndLayerOutput(model, head, x);
    expect(y.shape).toEqual([1, 10]);
    expect(fromHead).not.toBeNull();
    expect(Array.from(y.dataSync())).toEqual(Array.from(fromHead!.dataSync()));

    // the tutorial's other edit: a layer added by name after the last one runs last and is saved under its name
    model.classifier.addModule('add_linear', new nn.Linear(10, 3));
    const [z] = outputAndLayerOutput(model, head, x);
    expect(z.shape).toEqual([1, 3]);
    expect(Object.keys(model.stateDict()).slice(-2)).toEqual([
      'classifier.add_linear.weight',
      'classifier.add_linear.bias',
    ]);

    tf.dispose([x, y, fromHead!, z]);
    old.dispose();
    model.dispose();
  }, 120_000);

  it('resnet18 takes a new head by assignment, model.fc = new nn.Linear(512, 10), as in PyTorch', () => {
    const model = resnet18().eval();
    const old = model.fc;
    model.fc = new nn.Linear(512, 10);
    expect(model.parameters()).not.toContain(old.weight);
    expect(parameterCount(model)).toBe(fixture('resnet18').other.count);
    expect(model.stateDict()['fc.weight']!.shape).toEqual([10, 512]);
    const x = formulaInput([2, 3, 32, 32]);
    const [y, fromFc] = outputAndLayerOutput(model, model.fc, x);
    expect(y.shape).toEqual([2, 10]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(fromFc!.dataSync()));
    tf.dispose([x, y, fromFc!]);
    old.dispose();
    model.dispose();
  }, 60_000);
});
