import { describeBackend, explainFailure, loadWeights, nn, useBackend } from '@trainkit/core';
import { DataLoader } from '@trainkit/data';
import { ConfusionMatrix, evaluate, getPredictions } from '@trainkit/metrics';
import type { CifarConfig } from './config.js';
import { loadCifarSplit } from './data.js';
import { Tudui } from './model.js';
import { perClassAccuracyTable } from './report.js';

export interface EvaluationResult {
  loss: number;
  accuracy: number;
  count: number;
  confusionMatrix: ConfusionMatrix;
}

/** --eval-only: the test loss and accuracy of saved weights, with per-class accuracy and sklearn's report. */
export async function evaluateOnly(
  config: CifarConfig,
  log: (line: string) => void = console.log,
): Promise<EvaluationResult> {
  const path = config.evalOnly;
  if (path === undefined) throw new Error('evaluateOnly: config.evalOnly names no file');
  const backend = await explainFailure('--backend', config.backend ?? 'auto', () => useBackend(config.backend));
  log(`backend: ${describeBackend(backend)}`);
  const test = await loadCifarSplit(config, 'test');
  log(`test set: ${test.dataset.length} images — ${test.description}`);
  const model = new Tudui();
  try {
    const kind = await explainFailure('--eval-only', path, () => loadWeights(model, path));
    log(`evaluating ${kind} ${path}`);
    const loader = new DataLoader(test.dataset, { batchSize: config.batchSize });
    const { loss, accuracy, count } = await evaluate(model, loader, new nn.CrossEntropyLoss());
    const { preds, labels } = await getPredictions(model, loader);
    const confusionMatrix = new ConfusionMatrix(test.classes.length, { classNames: [...test.classes] }).update(
      preds,
      labels,
    );
    log(`test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% on ${count} images`);
    log(perClassAccuracyTable(confusionMatrix, test.classes));
    log(confusionMatrix.report({ digits: 3 }));
    return { loss, accuracy, count, confusionMatrix };
  } finally {
    // also when the weights do not load: the model's tensors go with the failed evaluation
    model.dispose();
  }
}
