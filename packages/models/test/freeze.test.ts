import { nn, optim, tf, useBackend } from '@trainkit/core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resnet18 } from '../src/index.js';
import { yieldToEventLoop } from './helpers/builders.js';
import { formulaInput } from './helpers/formula-state.js';

beforeAll(() => useBackend('cpu'));
beforeEach(yieldToEventLoop);

describe('freezing by name, as model.layer1.requires_grad_(False) in PyTorch', () => {
  it('a ResNet-18 with layer1–3 frozen trains only the stem, layer4 and fc: an SGD step leaves layer1–3 unchanged', () => {
    const model = resnet18({ numClasses: 10 });
    for (const stage of [model.layer1, model.layer2, model.layer3]) expect(stage.requiresGrad_(false)).toBe(stage);
    const named = model.namedParameters();
    const frozen = named.filter(([, p]) => !p.requiresGrad).map(([name]) => name);
    expect(frozen).toEqual(named.map(([name]) => name).filter((name) => /^layer[123]\./.test(name)));
    expect(frozen.length).toBe(42); // 3 stages × 2 blocks × (2 convs + 2 BatchNorms × 2), and layer2–3 projections × 3

    const before = new Map(named.map(([name, p]) => [name, p.data.dataSync().slice()]));
    const x = formulaInput([4, 3, 32, 32]);
    const y = tf.tensor1d([0, 1, 2, 3], 'int32');
    // weight decay moves every parameter the optimizer updates, so an unchanged one was skipped
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
    optimizer.step(() => new nn.CrossEntropyLoss().call(model.call(x), y));
    for (const [name, p] of named) {
      const unchanged = tf.util.arraysEqual(p.data.dataSync(), before.get(name)!);
      expect(unchanged, name).toBe(frozen.includes(name));
      expect(p.grad === null, `${name} has no gradient`).toBe(frozen.includes(name));
    }

    expect(model.requiresGrad_()).toBe(model); // requires_grad_() with its default True unfreezes everything
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  }, 120_000);
});
