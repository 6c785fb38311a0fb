// cifar-train.ts (train.py) then cifar-predict.ts (test.py) on what it saved.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { argmax, loadModel, noGrad, tf, useBackend } from '@trainkit/core';
import { CIFAR10, loadImageFile, transforms } from '@trainkit/data';
import { Tudui } from '@trainkit/models';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_SAMPLE } from '../lib/tutorial-options.js';
import { makeOutRoot, numbersAfter, png, runTutorial } from './run-tutorial.js';

const outRoot = makeOutRoot();
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('cifar-train.ts, then cifar-predict.ts', () => {
  it("train.py: sizes, an epoch's test loss and accuracy, the TensorBoard scalars, a model saved each epoch", async () => {
    const args = ['--epochs', '2', '--limit-train', '256', '--limit-test', '128', '--log-every', '2'];
    const { stdout, outDir } = await runTutorial('cifar-train', args, { outRoot });
    expect(stdout).toMatch(/^training set size: 256\ntest set size: 128\n------- epoch 1 -------\n/);
    // 4 batches per epoch, logged every 2 steps
    const logged = [2, 4, 6, 8].map((s) => numbersAfter(stdout, `step ${s}, loss:`)[0]!);
    for (const l of logged) expect(l).toBeGreaterThan(1.5); // two tiny epochs stay near ln 10 ≈ 2.30
    const testLoss = [...stdout.matchAll(/^test loss: (\S+)$/gm)].map((m) => Number(m[1]));
    const testAcc = [...stdout.matchAll(/^test accuracy: (\S+)$/gm)].map((m) => Number(m[1]));
    expect(testLoss).toHaveLength(2);
    // the tutorial sums the batch means: 2 batches of 64, each about ln 10
    for (const l of testLoss) expect(l).toBeGreaterThan(3.5);
    for (const a of testAcc) expect(a * 128).toBe(Math.round(a * 128)); // a count of correct images over 128
    for (const i of [0, 1]) expect(existsSync(join(outDir, `tudui_${i}.safetensors`))).toBe(true);

    const run = await loadRun(join(outDir, 'logs_train'));
    const points = (tag: string) => run.scalars[tag]?.map((p) => [p.step, p.value]);
    expect(points('train_loss')).toEqual([2, 4, 6, 8].map((s, i) => [s, expect.closeTo(logged[i]!, 4)]));
    expect(points('test_loss')).toEqual(testLoss.map((l, i) => [i, expect.closeTo(l, 4)]));
    expect(points('test_accuracy')).toEqual(testAcc.map((a, i) => [i, expect.closeTo(a, 6)]));
  });

  it("test.py: classifies the sample's first dog with the last saved model, as the same model does here", async () => {
    const { stdout, outDir } = await runTutorial('cifar-predict', [], { outRoot });
    const index = numbersAfter(stdout, 'test image')[0]!;
    png(join(outDir, 'dog.png'), { width: 128, height: 128 });
    expect(stdout).toContain(`image ${join(outDir, 'dog.png')}: 128×128`);
    const printed = JSON.parse(/^output (.*)$/m.exec(stdout)![1]!) as number[][];
    const predicted = numbersAfter(stdout, 'argmax')[0]!;

    // the input recomputed from dog.png with PIL's resize (checked against PIL elsewhere), and the last epoch's weights
    // loaded by their state dict into a Tudui built here: the whole-model load must give the same logits
    await useBackend('cpu');
    const testSet = await CIFAR10.load({ root: CIFAR10_SAMPLE, train: false, onWarning: () => {} });
    expect(testSet.targets[index]).toBe(testSet.classes.indexOf('dog'));
    const model = new Tudui();
    await loadModel(model, join(outRoot, 'cifar-train', 'tudui_1.safetensors'));
    const dog = transforms.resize([32, 32], { antialias: true })(loadImageFile(join(outDir, 'dog.png')));
    const x = tf.tensor(transforms.toTensor()(dog).data, [3, 32, 32]);
    const output = noGrad(() => model.eval().call(x.reshape([1, 3, 32, 32])));
    const expected = output.arraySync() as number[][];
    expect(printed[0]).toEqual(expected[0]!.map((v) => expect.closeTo(v, 4)));
    expect(predicted).toBe(argmax(output, 1).dataSync()[0]);
    expect(stdout).toContain(`argmax ${predicted}: ${testSet.classes[predicted]}`);
  });

  it('a checkpoint that is not there is one line on stderr and exit 1', async () => {
    const missing = join(outRoot, 'no-such-model.safetensors');
    const { stderr } = await runTutorial('cifar-predict', ['--checkpoint', missing], { outRoot, expectCode: 1 });
    expect(stderr).toBe(`cifar-predict: ENOENT: no such file or directory, open '${missing}'\n`);
  });
});
