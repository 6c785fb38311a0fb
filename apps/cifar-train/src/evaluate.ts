import type { ConfusionMatrix } from '@trainkit/metrics';
import { type EvaluationSetup, evaluateCommand } from '@trainkit/train';
import type { CifarConfig } from './config.js';
import { loadCifarSplit } from './data.js';
import { Tudui } from './model.js';
import { perClassAccuracyTable } from './report.js';

export type { EvaluationResult } from '@trainkit/train';

/** What --eval-only measures: the tutorial network on the test split, with per-class accuracy before the report. */
async function testSetup(config: CifarConfig): Promise<EvaluationSetup> {
  const { dataset, classes, description } = await loadCifarSplit(config, 'test');
  return {
    model: new Tudui(),
    test: dataset,
    description: `${dataset.length} images — ${description}`,
    classes,
    describe: (cm: ConfusionMatrix) => perClassAccuracyTable(cm, classes),
  };
}

/** --eval-only: the test loss and accuracy of saved weights, with per-class accuracy and sklearn's report. */
export const evaluateOnly = evaluateCommand(testSetup);
