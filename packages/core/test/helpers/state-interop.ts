import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, loadSafetensors, type nn, optim, saveModel, tf, useBackend } from '../../src/index.js';
import { expectClose, type JsonTensor, loadFixture, TEST_BACKENDS, toTensor } from './fixtures.js';

// tools/fixtures/state.py: PyTorch state dicts of small models (core's MLP) and of the CIFAR tutorial network
// (@trainkit/test-models), with the logits they give. Each suite checks the models it can build.

export interface StateCase {
  name: 'mlp' | 'cifar';
  file: string;
  keys: string[];
  input: JsonTensor;
  logits: JsonTensor;
}

export const stateFixture = loadFixture<StateCase[]>('state');
export const stateFixturePath = (file: string) => fileURLToPath(new URL(`../fixtures/${file}`, import.meta.url));

/**
 * For each test backend: PyTorch's state dicts load into `architectures` and give PyTorch's logits, and a changed
 * state dict saved here loads back identically (files kept in $TRAINKIT_INTEROP_DIR for `state.py --check`).
 */
export function describeStateDictInterop(architectures: Partial<Record<StateCase['name'], () => nn.Sequential>>): void {
  const fixture = { cases: stateFixture.cases.filter((c) => architectures[c.name]) };
  const ARCHITECTURES = architectures as Record<StateCase['name'], () => nn.Sequential>;
  const fixturePath = stateFixturePath;
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
}
