import { backward, nn, optim, tf } from '@trainkit/core';
import { DataLoader } from '@trainkit/data';
import { accuracy, evaluate } from '@trainkit/metrics';
import { type TrainingOptions, type TrainingResult, TrainingRun } from '@trainkit/train';
import { summary } from '@trainkit/viz';
import type { MnistMetric } from './checkpoints.js';
import { MNIST_FLAGS, type MnistConfig, type MnistFlag } from './config.js';
import { describeMnist, loadMnist } from './data.js';
import { type FinalTest, finalTest } from './final-test.js';
import { MLP } from './model.js';

export type TrainOptions = TrainingOptions<MnistFlag>;
/** the test results of the best weights and the analysis' files are there when the run completed */
export type TrainResult = TrainingResult<MnistConfig, FinalTest, MnistMetric>;

/**
 * Seed 004's pipeline: train the MLP with Adam, evaluate on the validation split after every epoch and keep the
 * weights with the lowest validation loss; then load them, measure the test set and analyse the model (see
 * final-test.ts). The TrainingRun around the loop logs, checkpoints and resumes exactly, Ctrl-C included.
 */
export async function train(flags: MnistConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const start = {
    app: 'mnist-train',
    config: flags,
    flags: MNIST_FLAGS,
    paths: ['logDir', 'dataDir'] as const,
    from: import.meta.url,
  };
  const run = await TrainingRun.start<MnistConfig, MnistMetric>(start, options);
  const { config } = run;
  const data = await loadMnist(config, run.augmentGenerator);
  describeMnist(data, run.log);
  const { batchSize } = config;
  const trainIterator = new DataLoader(data.train, { batchSize, shuffle: true, generator: run.shuffleGenerator });
  const validIterator = new DataLoader(data.valid, { batchSize });
  const testIterator = new DataLoader(data.test, { batchSize });

  const model = new MLP(784, 10);
  run.log(String(summary(model, { inputSize: [batchSize, 1, 28, 28] })));
  const optimizer = new optim.Adam(model.parameters(), { lr: config.lr });
  const criterion = new nn.CrossEntropyLoss();
  await run.setup({ model, optimizer, datasets: data.descriptions, graphInput: [1, 1, 28, 28] });
  // the first digits of each epoch as the network sees them, un-normalised for display
  const images = (x: tf.Tensor) =>
    tf.tidy(() =>
      x
        .slice([0], [Math.min(32, x.shape[0]!)])
        .mul(data.std)
        .add(data.mean),
    );

  return run.fit(async () => {
    for (const _epoch of run.epochs()) {
      model.train();
      for await (const [x, y] of run.batches(trainIterator, { images })) {
        optimizer.zeroGrad();
        let correct = 0;
        const loss = backward(() => {
          const [yPred] = model.call(x);
          correct = accuracy(yPred, y); // read inside the recorded forward pass: no second pass for the accuracy
          return criterion.forward(yPred, y);
        }, model.parameters());
        optimizer.step();
        run.step(loss, x.shape[0]!, { trainAccuracy: correct });
      }
      const valid = await evaluate(model, validIterator, criterion);
      await run.endEpoch({ validLoss: valid.loss, validAccuracy: valid.accuracy }, { best: ['validLoss', 'min'] });
    }
    return run.completed ? finalTest(run, { model, testIterator, criterion, data }) : undefined;
  });
}
