// d2l-linear-regression.ts and d2l-softmax-lenet.ts: d2l's printed checks, and training that learns.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOutRoot, numbersAfter, png, runTutorial } from './run-tutorial.js';

const outRoot = makeOutRoot();
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('d2l-linear-regression.ts', () => {
  it('3.2 and 3.3: the loss falls each epoch and both recover w = [2, -3.4], b = 4.2', async () => {
    const { stdout, outDir } = await runTutorial('d2l-linear-regression', [], { outRoot }); // d2l's sizes
    expect(numbersAfter(stdout, 'features:')).toHaveLength(2);
    for (const impl of ['scratch', 'concise']) {
      const losses = [1, 2, 3].map((e) => numbersAfter(stdout, `${impl} epoch ${e}, loss`)[0]!);
      // d2l's run: 0.042, 0.000155, 0.000050 from scratch (squared loss / 2); the concise MSE ends near 1e-4
      expect(losses[0]).toBeLessThan(0.2);
      expect(losses[2]).toBeLessThan(1e-3);
      if (impl === 'scratch') expect(losses[1]).toBeLessThan(losses[0]!);
      // the noise is N(0, 0.01²): the estimates are off by about 1e-3
      for (const e of numbersAfter(stdout, `${impl} error in estimating w:`)) expect(Math.abs(e)).toBeLessThan(0.01);
      for (const e of numbersAfter(stdout, `${impl} error in estimating b:`)) expect(Math.abs(e)).toBeLessThan(0.01);
    }
    png(join(outDir, 'synthetic-data.png'), { width: 560, height: 440 });
  });

  it('a bad limit is one line on stderr and exit 2', async () => {
    const { stdout, stderr } = await runTutorial('d2l-linear-regression', ['--num-epochs', '0'], {
      outRoot,
      expectCode: 2,
    });
    expect(stdout).toBe('');
    expect(stderr).toBe('d2l-linear-regression: --num-epochs: expected an integer ≥ 1, got "0"\n');
  });
});

describe('d2l-softmax-lenet.ts', () => {
  it("3.6's worked numbers, train_ch3 from scratch and concise, predict_ch3, LeNet's shapes and train_ch6", async () => {
    const args = ['--num-epochs', '2', '--lenet-epochs', '1', '--limit-train', '1024', '--limit-test', '256'];
    const { stdout, outDir } = await runTutorial('d2l-softmax-lenet', args, { outRoot });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('X [256,1,28,28] float32, y [256] int32');
    expect(lines).toContain('softmax rows sum to ["1.0000","1.0000"]');
    // y = [0, 2], y_hat = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]: -ln 0.1, -ln 0.5, and one of two right
    expect(numbersAfter(stdout, 'y_hat[[0, 1], y]')).toEqual([expect.closeTo(0.1, 6), 0.5]);
    expect(numbersAfter(stdout, 'cross_entropy')).toEqual([expect.closeTo(Math.LN10, 5), expect.closeTo(Math.LN2, 5)]);
    expect(lines).toContain('accuracy 0.5');
    const before = numbersAfter(stdout, 'evaluate_accuracy before training')[0]!;
    expect(before).toBeLessThan(0.35); // ten classes, random weights
    for (const impl of ['scratch', 'concise']) {
      const [loss, trainAcc, testAcc] = numbersAfter(stdout, `${impl}: train loss`);
      // 8 steps of 256 images: well past chance (0.1), far from d2l's 10 epochs on 60,000 (about 0.83)
      expect(loss).toBeLessThan(2.0);
      expect(trainAcc).toBeGreaterThan(0.4);
      expect(testAcc).toBeGreaterThan(0.4);
    }
    expect(stdout).toMatch(/^predict_ch3: t-shirt → \S+, trouser → /m); // the test sample interleaves the classes
    const shapes = [...stdout.matchAll(/^(\w+) +output shape: \[([\d,]+)\]$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(shapes).toEqual([
      'Conv2d 1,6,28,28',
      'Sigmoid 1,6,28,28',
      'AvgPool2d 1,6,14,14',
      'Conv2d 1,16,10,10',
      'Sigmoid 1,16,10,10',
      'AvgPool2d 1,16,5,5',
      'Flatten 1,400',
      'Linear 1,120',
      'Sigmoid 1,120',
      'Linear 1,84',
      'Sigmoid 1,84',
      'Linear 1,10',
    ]);
    expect(stdout).toMatch(
      /^training on cpu\nloss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}\n\d+\.\d examples\/sec on cpu\n/m,
    );
    png(join(outDir, 'fashion-mnist.png'));
    png(join(outDir, 'predict-ch3.png'));
    for (const f of ['train-ch3-scratch', 'train-ch3-concise', 'train-ch6-lenet'])
      png(join(outDir, `${f}.png`), { width: 560, height: 380 });
  });
});
