import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tudui } from '@trainkit/test-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadModel,
  loadSafetensors,
  nn,
  optim,
  saveModel,
  serializeSafetensors,
  tf,
  useBackend,
} from '../src/index.js';
import { expectClose, type JsonTensor, loadFixture, TEST_BACKENDS, toTensor } from './helpers/fixtures.js';

interface StateCase {
  name: 'mlp' | 'cifar';
  file: string;
  keys: string[];
  input: JsonTensor;
  logits: JsonTensor;
}

const fixture = loadFixture<StateCase[]>('state');
const fixturePath = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

// The models of tools/fixtures/state.py.
const ARCHITECTURES = {
  mlp: () => new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3)),
  cifar: tudui,
};

// Files for `tools/fixtures/state.py --check`: set TRAINKIT_INTEROP_DIR to keep them; otherwise a temporary folder.
let outDir: string;
beforeAll(async () => {
  outDir = process.env.TRAINKIT_INTEROP_DIR ?? (await mkdtemp(join(tmpdir(), 'trainkit-state-')));
  await mkdir(outDir, { recursive: true });
});
afterAll(async () => {
  if (!process.env.TRAINKIT_INTEROP_DIR) await rm(outDir, { recursive: true, force: true });
});

for (const backend of TEST_BACKENDS) {
  describe(`PyTorch state dicts on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it("load PyTorch's safetensors and reproduce its logits within 1e-5", async () => {
      for (const c of fixture.cases) {
        const model = ARCHITECTURES[c.name]();
        expect(Object.keys(model.stateDict()), c.name).toEqual(c.keys);
        const result = await model.load(fixturePath(c.file));
        expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
        model.eval();
        const x = toTensor(c.input);
        expectClose(model.forward(x) as tf.Tensor, c.logits, { rtol: 0, atol: 1e-5, label: `${c.name} logits` });
        if (c.name === 'mlp') {
          const batches = model.stateDict()['1.num_batches_tracked']!;
          expect([batches.dtype, batches.dataSync()[0]]).toEqual(['int32', 3]); // I64 in the file
        }
        model.dispose();
      }
    });

    it('save a changed state dict that loads back identically (and for state.py --check)', async () => {
      for (const c of fixture.cases) {
        const model = ARCHITECTURES[c.name]();
        await model.load(fixturePath(c.file));
        const x = toTensor(c.input);
        // one training step, so weights and BatchNorm's running statistics differ from PyTorch's file
        model.train();
        const target = tf.randomNormal([x.shape[0]!, c.logits.shape[1]!], 0, 1, 'float32', 5);
        new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }).step(() =>
          tf.mean(tf.square(tf.sub(model.call(x) as tf.Tensor, target))),
        );
        model.eval();
        const logits = model.forward(x) as tf.Tensor;
        const diff = tf.max(tf.abs(tf.sub(logits, toTensor(c.logits)))).dataSync()[0]!;
        expect(diff, 'the training step changed the model').toBeGreaterThan(1e-4);
        const path = join(outDir, `interop_${c.name}_${backend}.safetensors`);
        await saveModel(model, path, { architecture: c.name, logits: JSON.stringify(Array.from(logits.dataSync())) });

        const copy = ARCHITECTURES[c.name]();
        await loadModel(copy, path);
        copy.eval();
        expect(Array.from((copy.forward(x) as tf.Tensor).dataSync())).toEqual(Array.from(logits.dataSync()));
        const { tensors, metadata } = await loadSafetensors(path);
        expect(metadata.architecture).toBe(c.name);
        expect(Object.keys(tensors).sort()).toEqual([...c.keys].sort());
        if (c.name === 'mlp') expect(tensors['1.num_batches_tracked']!.dataSync()[0]).toBe(4);
        tf.dispose(Object.values(tensors));
        model.dispose();
        copy.dispose();
      }
    });
  });
}

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
