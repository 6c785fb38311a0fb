import { manualSeed, type nn, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BasicBlock, Bottleneck, resnet18, resnet50, vgg11 } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

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
  it('VGG: convolutions Kaiming-normal with fan_out, linear layers N(0, 0.01²), zero biases', () => {
    manualSeed(0);
    const model = vgg11();
    const conv = model.features.at(3) as nn.Conv2d; // 64 → 128, fan_out 128·9
    expect(stats(conv.weight).std).toBeCloseTo(Math.sqrt(2 / (128 * 9)), 3);
    const fc = model.classifier.at(0) as nn.Linear;
    expect(stats(fc.weight).std).toBeCloseTo(0.01, 4);
    for (const p of [conv.bias!, fc.bias!]) expect([stats(p).min, stats(p).max]).toEqual([0, 0]);
    model.dispose();
  }, 120_000);

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
