import { manualSeed, nn, tf, useBackend } from '@trainkit/core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BasicBlock, Bottleneck, resnet18, resnet50 } from '../src/index.js';
import { initVGGWeights } from '../src/vgg-init.js';
import { yieldToEventLoop } from './helpers/builders.js';

beforeAll(() => useBackend('cpu'));
beforeEach(yieldToEventLoop);

function stats(p: nn.Parameter): { mean: number; std: number; min: number; max: number } {
  const v = p.data.dataSync();
  let sum = 0;
  let sq = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    sum += x;
    sq += x * x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  return { mean, std: Math.sqrt(sq / v.length - mean * mean), min, max };
}

describe("torchvision's initialisation", () => {
  it('VGG: convolutions Kaiming-normal with fan_out, BatchNorm 1 and 0, linear layers N(0, 0.01²), zero biases', () => {
    // initVGGWeights is what VGG's constructor runs; here on small layers, since a VGG's take 20 s of CPU to draw
    manualSeed(0);
    const layers = new nn.Sequential(new nn.Conv2d(64, 128, 3), new nn.BatchNorm2d(128), new nn.Linear(2000, 500));
    initVGGWeights(layers);
    const [conv, bn, fc] = [layers.at(0) as nn.Conv2d, layers.at(1) as nn.BatchNorm2d, layers.at(2) as nn.Linear];
    expect(stats(conv.weight).std).toBeCloseTo(Math.sqrt(2 / (128 * 9)), 3); // fan_out = 128·3·3
    expect(stats(fc.weight).std).toBeCloseTo(0.01, 4);
    expect(stats(fc.weight).mean).toBeCloseTo(0, 4);
    for (const p of [conv.bias!, fc.bias!, bn.bias!]) expect([stats(p).min, stats(p).max]).toEqual([0, 0]);
    expect([stats(bn.weight!).min, stats(bn.weight!).max]).toEqual([1, 1]);
    layers.dispose();
  });

  it('ResNet: convolutions Kaiming-normal with fan_out, BatchNorm 1 and 0, fc with Linear’s default', () => {
    manualSeed(0);
    const model = resnet18();
    expect(stats(model.conv1.weight).std).toBeCloseTo(Math.sqrt(2 / (64 * 49)), 3);
    const block = model.layer3.at(0) as BasicBlock;
    expect(stats(block.conv2.weight).std).toBeCloseTo(Math.sqrt(2 / (256 * 9)), 3);
    expect([stats(block.bn2.weight!).min, stats(block.bn2.weight!).max]).toEqual([1, 1]);
    const bound = 1 / Math.sqrt(512); // U(−1/√fan_in, 1/√fan_in)
    const fc = stats(model.fc.weight);
    expect(fc.min).toBeGreaterThanOrEqual(-bound);
    expect(fc.max).toBeLessThanOrEqual(bound);
    expect(fc.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    model.dispose();
  });

  it("zeroInitResidual starts each block's last BatchNorm at weight 0, so a block starts as relu(x + shortcut)", () => {
    const basic = resnet18({ zeroInitResidual: true });
    const bottleneck = resnet50({ zeroInitResidual: true });
    const lastNorms = [
      ...basic.modules().flatMap((m) => (m instanceof BasicBlock ? [m.bn2] : [])),
      ...bottleneck.modules().flatMap((m) => (m instanceof Bottleneck ? [m.bn3] : [])),
    ];
    expect(lastNorms.length).toBe(8 + 16);
    for (const bn of lastNorms) expect([stats(bn.weight!).min, stats(bn.weight!).max]).toEqual([0, 0]);
    expect(stats((basic.layer1.at(0) as BasicBlock).bn1.weight!).min).toBe(1);

    const block = basic.layer1.at(0) as BasicBlock;
    block.eval();
    const x = tf.randomNormal([1, 64, 8, 8], 0, 1, 'float32', 1);
    const y = block.call(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
    basic.dispose();
    bottleneck.dispose();
  }, 60_000);
});
