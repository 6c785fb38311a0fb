import { DataLoader } from '@trainkit/data';
import { type EvaluationResult, evaluateWeights, selectBackend } from '@trainkit/train';
import type { CifarConfig } from './config.js';
import { loadCifarSplit } from './data.js';
import { Tudui } from './model.js';
import { perClassAccuracyTable } from './report.js';

export type { EvaluationResult } from '@trainkit/train';

/** --eval-only: the test loss and accuracy of saved weights, with per-class accuracy and sklearn's report. */
export async function evaluateOnly(
  config: CifarConfig,
  log: (line: string) => void = console.log,
): Promise<EvaluationResult> {
  const path = config.evalOnly;
  if (path === undefined) throw new Error('evaluateOnly: config.evalOnly names no file');
  await selectBackend(config.backend, log);
  const test = await loadCifarSplit(config, 'test');
  log(`test set: ${test.dataset.length} images — ${test.description}`);
  const loader = new DataLoader(test.dataset, { batchSize: config.batchSize });
  return evaluateWeights(new Tudui(), path, loader, {
    classes: test.classes,
    log,
    describe: (cm) => perClassAccuracyTable(cm, test.classes),
  });
}
