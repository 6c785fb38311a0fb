import { Generator } from '@trainkit/core';
import { evaluateCommand } from '@trainkit/train';
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
export const evaluateOnly = evaluateCommand(async (config: MnistConfig) => {
  const data = await loadMnist(config, new Generator(config.seed));
  return { model: new MLP(784, 10), test: data.test, description: data.descriptions.test, classes: DIGITS };
});
