import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors, nn, serializeSafetensors, tf, useBackend } from '../src/index.js';
import {
  describeStateDictInterop,
  stateFixture as fixture,
  stateFixturePath as fixturePath,
} from './helpers/state-interop.js';

// The model of tools/fixtures/state.py that core builds itself (the CIFAR network's cases run in test-models).
describeStateDictInterop({
  mlp: () => new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3)),
});

describe('state dict files', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it("re-serialize PyTorch's files byte for byte (same layout as the reference writer)", async () => {
    for (const c of fixture.cases) {
      const original = await readFile(fixturePath(c.file));
      const { tensors, metadata } = await loadSafetensors(fixturePath(c.file));
      expect(Buffer.from(await serializeSafetensors(tensors, metadata)).equals(original), c.file).toBe(true);
      tf.dispose(Object.values(tensors));
    }
  });

  it('refuse a state dict that does not fit, naming the file, the keys and the shapes', async () => {
    const path = fixturePath('state_mlp.safetensors');
    const wider = new nn.Sequential(new nn.Linear(4, 9), new nn.BatchNorm1d(9), new nn.ReLU(), new nn.Linear(9, 3));
    await expect(wider.load(path)).rejects.toThrow(`${path}: Error(s) in loading state dict for Sequential:`);
    await expect(wider.load(path)).rejects.toThrow('0.weight: expected shape [9, 4], got [8, 4]');
    const extra = new nn.Sequential(
      new nn.Linear(4, 8),
      new nn.BatchNorm1d(8),
      new nn.ReLU(),
      new nn.Linear(8, 3),
      new nn.Linear(3, 2),
    );
    await expect(extra.load(path)).rejects.toThrow('4.weight: missing');
    const result = await extra.load(path, { strict: false });
    expect(result).toEqual({ missingKeys: ['4.weight', '4.bias'], unexpectedKeys: [] });
    const before = tf.memory().numTensors;
    await expect(wider.load(path)).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
