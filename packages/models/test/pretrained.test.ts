import { nn, noGrad, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../core/test/helpers/fixtures.js';
import { lenet } from '../src/index.js';
import { formulaInput } from './helpers/formula-state.js';
import { fixturePath, modelsFixture } from './helpers/models-fixture.js';

beforeAll(() => useBackend('cpu'));

// lenet.safetensors is a PyTorch state dict written in safetensors' format by tools/fixtures/models.py, as the
// README's conversion writes a torchvision model's.
const lenetCase = modelsFixture.cases.forwards.find((c) => c.name === 'lenet')!;
const file = fixturePath(lenetCase.file!);

describe('pretrained weights from a safetensors file converted from PyTorch', () => {
  it('load with strict: true and, after replacing the head, fine-tune as in PyTorch', async () => {
    const net = lenet();
    expect(await net.load(file)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    net.eval();
    const x = formulaInput(lenetCase.input);
    const y = noGrad(() => net.call(x));
    expectClose(y, lenetCase.outputs[0]!, { rtol: 1e-5, atol: 1e-6, label: 'lenet logits' });

    const head = new nn.Linear(84, 7);
    net.set(11, head);
    const z = noGrad(() => net.call(x));
    expect(z.shape).toEqual([2, 7]);
    tf.dispose([x, y, z]);
    net.dispose();
  });

  it('a file for another number of classes fails to load, naming the file and the head, and changes nothing', async () => {
    const net = lenet({ numClasses: 7 });
    const before = net.stateDict()['0.weight']!.dataSync().slice();
    const load = net.load(file, { strict: true });
    await expect(load).rejects.toThrow(file);
    await expect(net.load(file)).rejects.toThrow('11.weight: expected shape [7, 84], got [10, 84]');
    expect(Array.from(net.stateDict()['0.weight']!.dataSync())).toEqual(Array.from(before));
    net.dispose();
  });
});
