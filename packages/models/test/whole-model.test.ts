import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, nn, saveModel, tf, useBackend } from '@trainkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicBlock, Bottleneck, MLP, ResNet, resnet18, resnet50, Tudui, VGG, vgg16 } from '../src/index.js';
import { yieldToEventLoop } from './helpers/builders.js';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'trainkit-models-whole-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * `build()` with its weights filled by tfjs, seeded per tensor, rather than drawn by the models' own init (for VGG
 * some 20 s of JavaScript): the test needs distinct values, not torchvision's distribution.
 */
function filled<M extends nn.Module>(build: () => M): M {
  const model = nn.utils.skipInit(build);
  for (const [i, [, p]] of model.namedParameters().entries()) {
    p.copy_(tf.tidy(() => tf.randomUniform(p.shape, -0.1, 0.1, 'float32', i)));
  }
  return model;
}

const count = (m: nn.Module) => m.parameters().reduce((n, p) => n + p.size, 0);

/** Every tensor of `b`'s state dict equals `a`'s, under the same names in the same order. */
function expectSameState(a: nn.Module, b: nn.Module): void {
  const sa = a.stateDict();
  const sb = b.stateDict();
  expect(Object.keys(sb)).toEqual(Object.keys(sa));
  for (const [k, t] of Object.entries(sa)) {
    expect(sb[k]!.shape, k).toEqual(t.shape);
    expect(tf.util.arraysEqual(sb[k]!.dataSync(), t.dataSync()), k).toBe(true);
  }
}

describe('whole models of the zoo saved and loaded back (torch.save(model) / torch.load)', () => {
  it('VGG16: 138,357,544 parameters saved and loaded back equal, as a VGG', async () => {
    const model = filled(() => vgg16());
    expect(count(model)).toBe(138_357_544);
    const path = join(dir, 'vgg16.safetensors');
    await saveModel(model, path);
    await yieldToEventLoop();
    const loaded = await loadModel<VGG>(path);
    expect(loaded).toBeInstanceOf(VGG);
    expect(count(loaded)).toBe(138_357_544);
    expect(loaded.toString()).toBe(model.toString());
    expectSameState(model, loaded);
    model.dispose();

    // the tutorial's edits to the loaded one (classifier[6] replaced, a layer added by name) come back edited
    loaded.classifier.set(6, new nn.Linear(4096, 10));
    loaded.classifier.addModule('add_linear', new nn.Linear(10, 3));
    loaded.eval();
    const editedPath = join(dir, 'vgg16-edited.safetensors');
    await saveModel(loaded, editedPath);
    await yieldToEventLoop();
    const edited = await loadModel<VGG>(editedPath);
    expect(edited.toString()).toBe(loaded.toString());
    expect(edited.toString()).toContain(
      '(6): Linear(in_features=4096, out_features=10, bias=True)\n    (add_linear): Linear(',
    );
    expect(edited.modules().every((m) => !m.training)).toBe(true);
    expectSameState(loaded, edited);
    const x = tf.randomNormal([1, 3, 32, 32], 0, 1, 'float32', 1);
    const out = (m: VGG) => tf.tidy(() => Array.from(m.call(x).dataSync()));
    expect(out(edited)).toEqual(out(loaded));
    loaded.dispose();
    edited.dispose();
  }, 180_000);

  it('ResNet-18 with a new head and layer1–3 frozen comes back frozen; ResNet-50 rebuilds its Bottlenecks', async () => {
    const model = resnet18();
    model.fc = new nn.Linear(512, 10);
    for (const stage of [model.layer1, model.layer2, model.layer3]) stage.requiresGrad_(false);
    const path = join(dir, 'resnet18.safetensors');
    await saveModel(model, path);
    const loaded = await loadModel<ResNet>(path);
    expect(loaded).toBeInstanceOf(ResNet);
    expect(loaded.layer1.at(0)).toBeInstanceOf(BasicBlock);
    expect(loaded.fc.outFeatures).toBe(10);
    expect(loaded.namedParameters().map(([n, p]) => [n, p.requiresGrad])).toEqual(
      model.namedParameters().map(([n, p]) => [n, p.requiresGrad]),
    );
    expectSameState(model, loaded);
    model.dispose();
    loaded.dispose();

    const big = filled(() => resnet50({ numClasses: 7 }));
    const bigPath = join(dir, 'resnet50.safetensors');
    await saveModel(big, bigPath);
    const bigLoaded = await loadModel<ResNet>(bigPath);
    expect(bigLoaded.layer3.at(0)).toBeInstanceOf(Bottleneck);
    expect(bigLoaded.toString()).toBe(big.toString());
    expect(count(bigLoaded)).toBe(count(big));
    big.dispose();
    bigLoaded.dispose();
  }, 120_000);

  it("the tutorials' Tudui and MLP", async () => {
    for (const model of [new Tudui(), new MLP({ inputDim: 100, numClasses: 4 })]) {
      const path = join(dir, `${model.typeName}.safetensors`);
      await saveModel(model, path);
      const loaded = await loadModel(path);
      expect(loaded.constructor).toBe(model.constructor);
      expect(loaded.toString()).toBe(model.toString());
      expectSameState(model, loaded);
    }
  });
});
