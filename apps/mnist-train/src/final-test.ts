import { join } from 'node:path';
import type { nn } from '@trainkit/core';
import type { DataLoader } from '@trainkit/data';
import { evaluate } from '@trainkit/metrics';
import { BEST_MODEL, type TrainingRun } from '@trainkit/train';
import { type AnalysisFiles, analyse } from './analysis.js';
import type { MnistMetric } from './checkpoints.js';
import type { MnistConfig } from './config.js';
import type { MnistSplits, Sample } from './data.js';
import type { MLP } from './model.js';

export interface FinalTest {
  /** the test set's loss and accuracy with the best validation weights */
  test: { loss: number; accuracy: number; count: number };
  analysis: AnalysisFiles;
}

/**
 * The end of seed 004's pipeline, once every epoch ran: `model.load_state_dict(torch.load('tut1-model.pt'))`, the
 * test set measured with those weights, the analysis, and the hyperparameters with the final metrics for
 * TensorBoard's HParams tab.
 */
export async function finalTest(
  run: TrainingRun<MnistConfig, MnistMetric>,
  {
    model,
    testIterator,
    criterion,
    data,
  }: { model: MLP; testIterator: DataLoader<Sample>; criterion: nn.CrossEntropyLoss; data: MnistSplits },
): Promise<FinalTest> {
  const { config, state, writer, log } = run;
  await model.load(join(run.checkpointDir, BEST_MODEL));
  const test = await evaluate(model, testIterator, criterion);
  log(
    `test loss ${test.loss.toFixed(3)}, test accuracy ${(100 * test.accuracy).toFixed(2)}% (weights of epoch ${state.best?.epoch}, the best validation loss)`,
  );
  writer.addScalar('test_loss', test.loss, state.step);
  writer.addScalar('test_accuracy', test.accuracy, state.step);
  const analysis = await analyse({ run, model, testIterator, data });
  run.addHparams(
    {
      lr: config.lr,
      batch_size: config.batchSize,
      epochs: config.epochs,
      augment: config.augment,
      seed: config.seed,
      optimizer: 'adam',
    },
    {
      'hparam/test_accuracy': test.accuracy,
      'hparam/test_loss': test.loss,
      'hparam/best_valid_loss': state.best?.validLoss ?? Number.NaN,
    },
  );
  return { test, analysis };
}
