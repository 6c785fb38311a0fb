import { nn } from '@trainkit/core';
import { ConfusionMatrix, evaluate, getPredictions, type Loader, type LossFn } from '@trainkit/metrics';
import { explainFailure } from '../cli/cli-errors.js';
import { loadWeights } from './training-state.js';

export interface EvaluationResult {
  loss: number;
  accuracy: number;
  count: number;
  confusionMatrix: ConfusionMatrix;
}

export interface EvaluateWeightsOptions {
  /** the loss to report (default cross entropy) */
  lossFn?: LossFn;
  /** the class names, in label order */
  classes: readonly string[];
  /** where messages go (default console.log) */
  log?: (line: string) => void;
  /** what to print of the confusion matrix before sklearn's classification report (default: the matrix) */
  describe?: (cm: ConfusionMatrix) => string;
}

/**
 * --eval-only CKPT: loads a checkpoint or a weights file into `model` and reports its loss and accuracy on `loader`
 * with the confusion matrix and sklearn's classification report. The model is freed afterwards, also when the
 * weights do not load.
 */
export async function evaluateWeights(
  model: nn.Module,
  path: string,
  loader: Loader,
  {
    lossFn = new nn.CrossEntropyLoss(),
    classes,
    log = console.log,
    describe = (cm) => cm.toString(),
  }: EvaluateWeightsOptions,
): Promise<EvaluationResult> {
  try {
    const kind = await explainFailure('--eval-only', path, () => loadWeights(model, path));
    log(`evaluating ${kind} ${path}`);
    const { loss, accuracy, count } = await evaluate(model, loader, lossFn);
    const { preds, labels } = await getPredictions(model, loader);
    const confusionMatrix = new ConfusionMatrix(classes.length, { classNames: [...classes] }).update(preds, labels);
    log(`test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% on ${count} images`);
    log(`${describe(confusionMatrix)}\n\n${confusionMatrix.report({ digits: 3 })}`);
    return { loss, accuracy, count, confusionMatrix };
  } finally {
    model.dispose();
  }
}
