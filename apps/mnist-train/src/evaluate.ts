import { describeBackend, explainFailure, Generator, loadWeights, nn, useBackend } from '@trainkit/core';
import { DataLoader } from '@trainkit/data';
import { ConfusionMatrix, evaluate, getPredictions } from '@trainkit/metrics';
import { DIGITS } from './analysis.js';
import type { MnistConfig } from './config.js';
import { loadMnist } from './data.js';
import { MLP } from './model.js';

export interface EvaluationResult {
  loss: number;
  accuracy: number;
  count: number;
  confusionMatrix: ConfusionMatrix;
}

/**
 * --eval-only: the test loss and accuracy of saved weights (a checkpoint or best.safetensors), with the confusion
 * matrix and sklearn's classification report. The test images are normalised with the training split's statistics,
 * as in training, so give the same data flags (--data-dir, --limit-train) the weights were trained with.
 */
export async function evaluateOnly(
  config: MnistConfig,
  log: (line: string) => void = console.log,
): Promise<EvaluationResult> {
  const path = config.evalOnly;
  if (path === undefined) throw new Error('evaluateOnly: config.evalOnly names no file');
  const backend = await explainFailure('--backend', config.backend ?? 'auto', () => useBackend(config.backend));
  log(`backend: ${describeBackend(backend)}`);
  const data = await loadMnist(config, new Generator(config.seed));
  log(`test set: ${data.descriptions.test}`);
  const model = new MLP(784, 10);
  try {
    const kind = await explainFailure('--eval-only', path, () => loadWeights(model, path));
    log(`evaluating ${kind} ${path}`);
    const loader = new DataLoader(data.test, { batchSize: config.batchSize });
    const { loss, accuracy, count } = await evaluate(model, loader, new nn.CrossEntropyLoss());
    const { preds, labels } = await getPredictions(model, loader);
    const confusionMatrix = new ConfusionMatrix(10, { classNames: DIGITS }).update(preds, labels);
    log(`test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% on ${count} images`);
    log(`${confusionMatrix.toString()}\n\n${confusionMatrix.report({ digits: 3 })}`);
    return { loss, accuracy, count, confusionMatrix };
  } finally {
    model.dispose();
  }
}
