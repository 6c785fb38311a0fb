import { type BackendName, nn } from '@trainkit/core';
import { DataLoader, type MapDataset } from '@trainkit/data';
import { ConfusionMatrix, evaluate, getPredictions, type LossFn } from '@trainkit/metrics';
import { explainFailure } from '../cli/cli-errors.js';
import { selectBackend } from './select-backend.js';
import { loadWeights } from './training-state.js';

export interface EvaluationResult {
  loss: number;
  accuracy: number;
  count: number;
  confusionMatrix: ConfusionMatrix;
}

/** The program's side of --eval-only: its model (the weights are loaded into it) and its test set. */
export interface EvaluationSetup {
  model: nn.Module;
  test: MapDataset<unknown>;
  /** what the test set holds and where it came from */
  description: string;
  /** the class names, in label order */
  classes: readonly string[];
  /** the loss to report (default cross entropy) */
  lossFn?: LossFn;
  /** what to print of the confusion matrix before sklearn's classification report (default: the matrix) */
  describe?: (cm: ConfusionMatrix) => string;
}

type EvalConfig = { evalOnly?: string | undefined; backend?: BackendName | undefined; batchSize: number };

/**
 * A program's --eval-only from its model and test set: `(config, log?) => evaluateWeights(config, () => setup(config), log)`.
 */
export function evaluateCommand<C extends EvalConfig>(
  setup: (config: C) => Promise<EvaluationSetup>,
): (config: C, log?: (line: string) => void) => Promise<EvaluationResult> {
  return (config, log) => evaluateWeights(config, () => setup(config), log);
}

/**
 * --eval-only CKPT: selects the backend, asks the program for its model and test set, loads the checkpoint or
 * weights file into the model and reports the loss and accuracy with the confusion matrix and sklearn's
 * classification report. The model is freed afterwards, also when the weights do not load.
 */
export async function evaluateWeights(
  config: EvalConfig,
  setup: () => Promise<EvaluationSetup>,
  log: (line: string) => void = console.log,
): Promise<EvaluationResult> {
  const path = config.evalOnly;
  if (path === undefined) throw new Error('evaluateWeights: config.evalOnly names no file');
  await selectBackend(config.backend, log);
  const { model, test, description, classes, lossFn = new nn.CrossEntropyLoss(), describe } = await setup();
  log(`test set: ${description}`);
  try {
    const kind = await explainFailure('--eval-only', path, () => loadWeights(model, path));
    log(`evaluating ${kind} ${path}`);
    const loader = new DataLoader(test, { batchSize: config.batchSize });
    const { loss, accuracy, count } = await evaluate(model, loader, lossFn);
    const { preds, labels } = await getPredictions(model, loader);
    const confusionMatrix = new ConfusionMatrix(classes.length, { classNames: [...classes] }).update(preds, labels);
    log(`test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% on ${count} images`);
    log(`${(describe ?? ((cm) => cm.toString()))(confusionMatrix)}\n\n${confusionMatrix.report({ digits: 3 })}`);
    return { loss, accuracy, count, confusionMatrix };
  } finally {
    model.dispose();
  }
}
