// A user of @trainkit/train, which brings core, data, metrics, tensorboard and viz: a two-epoch run of a linear
// classifier on a TrainingRun, with its run directory, TensorBoard scalars, checkpoints and manifest.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { backward, manualSeed, nn, optim, tf } from '@trainkit/core';
import { DataLoader, TensorDataset } from '@trainkit/data';
import { evaluate } from '@trainkit/metrics';
import { loadRun } from '@trainkit/tensorboard';
import { BEST_MODEL, MANIFEST_FILE, TrainingRun, type TrainingRunConfig } from '@trainkit/train';

async function main(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-consumer-'));
  try {
    const config = {
      backend: 'cpu' as const,
      epochs: 2,
      seed: 3,
      logEvery: 2,
      progress: false,
      lr: 0.1,
      logDir: join(dir, 'runs'),
      runName: 'tiny',
    };
    const from = pathToFileURL(join(process.cwd(), 'consumer.js'));
    const run = await TrainingRun.start({ app: 'consumer', config, from }, { log: () => {}, handleSignals: false });
    manualSeed(1);
    const x = tf.randomNormal([40, 4]);
    const y = tf.tensor1d(
      Array.from({ length: 40 }, (_, i) => i % 3),
      'int32',
    );
    const trainSet = new TensorDataset(x, y);
    const loader = new DataLoader(trainSet, { batchSize: 8, shuffle: true, generator: run.shuffleGenerator });
    const model = new nn.Sequential(new nn.Linear(4, 3));
    const lossFn = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: config.lr });
    await run.setup({ model, optimizer, datasets: { train: '40 points' }, graphInput: [1, 4] });
    const result = await run.fit(async () => {
      for (const _epoch of run.epochs()) {
        model.train();
        for await (const [xb, yb] of run.batches(loader, { images: false })) {
          optimizer.zeroGrad();
          const loss = backward(() => lossFn.forward(model.call(xb!), yb!), model.parameters());
          optimizer.step();
          run.step(loss, xb!.shape[0]!);
        }
        const test = await evaluate(model, new DataLoader(trainSet, { batchSize: 8 }), lossFn);
        await run.endEpoch({ testLoss: test.loss, testAccuracy: test.accuracy }, { best: ['testLoss', 'min'] });
      }
      return { finished: true };
    });
    if (result.exitCode !== 0 || !result.finished) throw new Error(`run ended with ${JSON.stringify(result)}`);
    if (!existsSync(join(result.runDir, MANIFEST_FILE))) throw new Error(`no ${MANIFEST_FILE} in ${result.runDir}`);
    if (!existsSync(join(result.checkpointDir, BEST_MODEL))) throw new Error(`no ${BEST_MODEL}`);
    const logged = await loadRun(result.runDir);
    const points = logged.scalars.test_accuracy?.length ?? 0;
    if (points !== 2) throw new Error(`test_accuracy logged ${points} times, expected 2`);
    return `2 epochs: manifest, ${BEST_MODEL}, test_accuracy logged twice`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(run: TrainingRun<TrainingRunConfig>): void {
  // @ts-expect-error app is required
  void TrainingRun.start({ config: {}, from: '' });
  // @ts-expect-error the loss is a number
  run.step('loss', 8);
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
