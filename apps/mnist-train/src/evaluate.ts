import { Generator } from '@trainkit/core';
import { DataLoader } from '@trainkit/data';
import { type EvaluationResult, evaluateWeights, selectBackend } from '@trainkit/train';
import { DIGITS } from './analysis.js';
import type { MnistConfig } from './config.js';
import { loadMnist } from './data.js';
import { MLP } from './model.js';

export type { EvaluationResult } from '@trainkit/train';

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
  await selectBackend(config.backend, log);
  const data = await loadMnist(config, new Generator(config.seed));
  log(`test set: ${data.descriptions.test}`);
  const loader = new DataLoader(data.test, { batchSize: config.batchSize });
  return evaluateWeights(new MLP(784, 10), path, loader, { classes: DIGITS, log });
}
