// mnist-mlp-analysis.ts: the tutorial's printed lines, training that learns, and its figures as PNGs.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOutRoot, numbersAfter, png, runTutorial } from './run-tutorial.js';

const outRoot = makeOutRoot();
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('mnist-mlp-analysis.ts', () => {
  it('trains the MLP on the bundled digits, keeps the best weights, and draws PCA, t-SNE and the weights', async () => {
    const args = ['--epochs', '2', '--limit-train', '1000', '--limit-test', '200', '--tsne-images', '100'];
    const { stdout, stderr, outDir } = await runTutorial('mnist-mlp-analysis', args, { outRoot });
    // MNIST's pixel statistics (0.1307 and 0.3081 on the official 60,000), here of the 8,000 bundled training digits
    expect(numbersAfter(stdout, 'Calculated mean:')[0]).toBeCloseTo(0.1307, 2);
    expect(numbersAfter(stdout, 'Calculated std:')[0]).toBeCloseTo(0.3081, 2);
    expect(stdout).toContain(
      'Number of training examples: 900\nNumber of validation examples: 100\nNumber of testing examples: 200\n',
    );
    expect(stdout).toContain('The model has 222,360 trainable parameters\n');
    const train = [...stdout.matchAll(/^\tTrain Loss: (\S+) \| Train Acc: \S+%$/gm)].map((m) => Number(m[1]));
    expect(train).toHaveLength(2);
    expect(train[1]).toBeLessThan(train[0]!); // two epochs of Adam on 900 digits: the loss falls
    expect(stdout.match(/^Epoch: 0[12] \| Epoch Time: \d+m \d+s$/gm)).toHaveLength(2);
    const [testLoss, testAcc] = numbersAfter(stdout, 'Test Loss:');
    expect(testLoss).toBeLessThan(1.8); // chance is ln 10 ≈ 2.30
    expect(testAcc).toBeGreaterThan(40); // per cent; chance is 10
    expect(stderr).toMatch(/Training: 100%\|██████████\| 15\/15 /); // 900 digits in batches of 64
    expect(existsSync(join(outDir, 'tut1-model.safetensors'))).toBe(true);

    png(join(outDir, 'confusion-matrix.png'));
    png(join(outDir, 'most-incorrect.png')); // some of 200 digits are wrong after two short epochs
    for (const f of ['pca-outputs', 'pca-hidden', 'tsne-outputs', 'tsne-hidden'])
      png(join(outDir, `${f}.png`), { width: 598, height: 440 });
    png(join(outDir, 'first-layer-weights.png'));
  });
});
