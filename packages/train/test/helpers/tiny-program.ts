// The smallest program on a TrainingRun, shared by the TrainingRun tests (local and s3:// run directories).
import { backward, manualSeed, nn, optim, tf } from '@trainkit/core';
import { DataLoader, TensorDataset } from '@trainkit/data';
import { evaluate } from '@trainkit/metrics';
import { type TrainingOptions, TrainingRun } from '../../src/index.js';

let data: { trainSet: TensorDataset; testSet: TensorDataset } | undefined;

/** The data set, made on first use (call it before counting tensors: it keeps its own). */
export function tinyData() {
  if (!data) {
    manualSeed(1);
    // 40 points of 4 features in 3 classes; 8 per batch: a 5-step epoch
    const x = tf.randomNormal([40, 4], 0, 1, 'float32', 1);
    const y = tf.tensor1d(
      Array.from({ length: 40 }, (_, i) => i % 3),
      'int32',
    );
    data = { trainSet: new TensorDataset(x, y), testSet: new TensorDataset(x.slice([0], [12]), y.slice([0], [12])) };
  }
  return data;
}

export interface TinyConfig {
  backend: 'cpu';
  epochs: number;
  seed: number;
  logEvery: number;
  progress: boolean;
  lr: number;
  logDir: string;
  runName?: string;
  resume?: string;
  checkpointDir?: string;
}

/**
 * The smallest program on a TrainingRun: a linear classifier with SGD, its loop written as a tutorial writes it.
 * `onStep` runs after every step (to raise a signal, or to break the loss).
 */
export async function tinyProgram(
  config: TinyConfig,
  options: TrainingOptions<keyof TinyConfig> & { onStep?: (step: number) => void; lossScale?: () => number } = {},
) {
  const { trainSet, testSet } = tinyData();
  const run = await TrainingRun.start({ app: 'tiny', config, paths: ['logDir'], from: import.meta.url }, options);
  const trainLoader = new DataLoader(trainSet, { batchSize: 8, shuffle: true, generator: run.shuffleGenerator });
  const testLoader = new DataLoader(testSet, { batchSize: 8 });
  const model = new nn.Sequential(new nn.Linear(4, 3));
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: config.lr, momentum: 0.9 });
  await run.setup({ model, optimizer, datasets: { train: '40 points' }, graphInput: [1, 4] });
  let weights: number[][] = [];
  const result = await run.fit(async () => {
    for (const _epoch of run.epochs()) {
      model.train();
      for await (const [x, y] of run.batches(trainLoader, { images: false })) {
        optimizer.zeroGrad();
        const scale = options.lossScale?.() ?? 1;
        const loss = backward(() => lossFn.forward(model.call(x!), y!).mul(scale), model.parameters());
        optimizer.step();
        run.step(loss, x!.shape[0]!, { seen: x!.shape[0]! });
        options.onStep?.(run.state.step);
      }
      const test = await evaluate(model, testLoader, lossFn);
      await run.endEpoch({ testLoss: test.loss, testAccuracy: test.accuracy }, { best: ['testLoss', 'min'] });
    }
    weights = model.parameters().map((p) => Array.from(p.data.dataSync()));
    return run.completed ? { finished: true } : undefined;
  });
  return { ...result, weights };
}
