import type { ConfusionMatrix } from '@trainkit/metrics';
import { type EvaluationResult, evaluateWeights } from '@trainkit/train';
import type { CifarConfig } from './config.js';
import { loadCifarSplit } from './data.js';
import { Tudui } from './model.js';
import { perClassAccuracyTable } from './report.js';

export type { EvaluationResult } from '@trainkit/train';

/** --eval-only: the test loss and accuracy of saved weights, with per-class accuracy and sklearn's report. */
export function evaluateOnly(
  config: CifarConfig,
  log: (line: string) => void = console.log,
): Promise<EvaluationResult> {
  return evaluateWeights(
    config,
    async () => {
      const { dataset, classes, description } = await loadCifarSplit(config, 'test');
      const describe = (cm: ConfusionMatrix) => perClassAccuracyTable(cm, classes);
      return {
        model: new Tudui(),
        test: dataset,
        description: `${dataset.length} images — ${description}`,
        classes,
        describe,
      };
    },
    log,
  );
}
