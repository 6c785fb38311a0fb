import { backward, nn } from '@trainkit/core';
import { DataLoader } from '@trainkit/data';
import { evaluate } from '@trainkit/metrics';
import { type TrainingOptions, type TrainingResult, TrainingRun } from '@trainkit/train';
import { summary } from '@trainkit/viz';
import type { CifarMetric } from './checkpoints.js';
import { CIFAR_FLAGS, type CifarConfig, type CifarFlag, makeOptimizer } from './config.js';
import { loadCifar } from './data.js';
import { Tudui } from './model.js';
import { type ReportFiles, writeReport } from './report.js';

export type TrainOptions = TrainingOptions<CifarFlag>;
/** the report's files are there when the run completed */
export type TrainResult = TrainingResult<CifarConfig, { report: ReportFiles }, CifarMetric>;

/**
 * The tutorial's train.py (seed 002): each epoch trains on every batch (forward, loss, zero_grad, backward, step),
 * then measures the test set without gradients; the TrainingRun around it logs to TensorBoard, checkpoints every
 * epoch (resumable exactly, Ctrl-C included) and keeps best.safetensors. A report closes a completed run.
 */
export async function train(flags: CifarConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const start = {
    app: 'cifar-train',
    config: flags,
    flags: CIFAR_FLAGS,
    paths: ['dataDir', 'logDir'] as const,
    from: import.meta.url,
  };
  const run = await TrainingRun.start<CifarConfig, CifarMetric>(start, options);
  const { config } = run;
  const { train: trainData, test: testData } = await loadCifar(config, { augment: run.augmentGenerator, log: run.log });
  const { batchSize } = config;
  const trainDataloader = new DataLoader(trainData.dataset, {
    batchSize,
    shuffle: true,
    generator: run.shuffleGenerator,
  });
  const testDataloader = new DataLoader(testData.dataset, { batchSize });

  const tudui = new Tudui();
  run.log(String(summary(tudui, { inputSize: [batchSize, 3, 32, 32] })));
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = makeOptimizer(config, tudui.parameters());
  const datasets = { train: trainData.description, test: testData.description };
  await run.setup({ model: tudui, optimizer, datasets, graphInput: [1, 3, 32, 32] });

  return run.fit(async () => {
    for (const _epoch of run.epochs()) {
      tudui.train();
      for await (const [imgs, targets] of run.batches(trainDataloader)) {
        optimizer.zeroGrad();
        const loss = backward(() => lossFn.forward(tudui.call(imgs), targets), tudui.parameters()); // loss.backward()
        optimizer.step();
        run.step(loss, imgs.shape[0]!);
      }
      const test = await evaluate(tudui, testDataloader, lossFn); // eval mode, no_grad
      await run.endEpoch({ testLoss: test.loss, testAccuracy: test.accuracy }, { best: ['testAccuracy', 'max'] });
    }
    if (!run.completed) return undefined;
    return { report: await writeReport({ run, model: tudui, testDataloader, classes: testData.classes }) };
  });
}
