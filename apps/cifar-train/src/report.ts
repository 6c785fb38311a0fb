import type { nn } from '@trainkit/core';
import { ConfusionMatrix, getPredictions, type Loader } from '@trainkit/metrics';
import { joinPath } from '@trainkit/tensorboard';
import { historyCurves, type TrainingRun, writeRunFile } from '@trainkit/train';
import { plotConfusionMatrix } from '@trainkit/viz';
import type { CifarMetric } from './checkpoints.js';
import type { CifarConfig } from './config.js';

export interface ReportFiles {
  curves: string;
  confusionMatrix: string;
  perClassAccuracy: string;
}

export const REPORT_FILES = {
  curves: 'training_curves.png',
  confusionMatrix: 'confusion_matrix.png',
  perClassAccuracy: 'per_class_accuracy.md',
} as const;

/** A markdown table: each class's correct predictions, test images and accuracy (the confusion matrix's recall). */
export function perClassAccuracyTable(cm: ConfusionMatrix, classes: readonly string[]): string {
  const support = cm.support();
  const recall = cm.recall();
  const width = Math.max(5, ...classes.map((c) => c.length));
  const rows = classes.map((name, i) => {
    const correct = cm.matrix[i]?.[i] ?? 0;
    const acc = support[i] ? `${(100 * (recall[i] ?? 0)).toFixed(1)}%` : '—';
    return `| ${name.padEnd(width)} | ${String(correct).padStart(7)} | ${String(support[i] ?? 0).padStart(6)} | ${acc.padStart(8)} |`;
  });
  return [
    `| ${'class'.padEnd(width)} | correct | images | accuracy |`,
    `|${'-'.repeat(width + 2)}|--------:|-------:|---------:|`,
    ...rows,
    `| ${'all'.padEnd(width)} | ${String(classes.reduce((s, _, i) => s + (cm.matrix[i]?.[i] ?? 0), 0)).padStart(7)} | ${String(cm.total).padStart(6)} | ${`${(100 * cm.accuracy()).toFixed(1)}%`.padStart(8)} |`,
  ].join('\n');
}

export interface ReportInputs {
  run: TrainingRun<CifarConfig, CifarMetric>;
  model: nn.Module;
  testDataloader: Loader;
  classes: readonly string[];
}

/**
 * The end-of-run report in the run directory: training curves, the test set's confusion matrix (PNG), per-class
 * accuracy with sklearn's classification report (markdown), and the hyperparameters with the final metrics for
 * TensorBoard's HParams tab.
 */
export async function writeReport({ run, model, testDataloader, classes }: ReportInputs): Promise<ReportFiles> {
  const { state, log } = run;
  const { runDir, config, history } = state;
  const predictions = await getPredictions(model, testDataloader);
  const cm = new ConfusionMatrix(classes.length, { classNames: [...classes] }).update(
    predictions.preds,
    predictions.labels,
  );

  const files: ReportFiles = {
    curves: joinPath(runDir, REPORT_FILES.curves),
    confusionMatrix: joinPath(runDir, REPORT_FILES.confusionMatrix),
    perClassAccuracy: joinPath(runDir, REPORT_FILES.perClassAccuracy),
  };
  // written through the run's files, so that an s3:// run directory gets them too
  await writeRunFile(files.curves, historyCurves(history, { title: 'CIFAR-10 training' }).toPNG());
  await writeRunFile(
    files.confusionMatrix,
    plotConfusionMatrix(cm, { classNames: classes, title: `CIFAR-10 test set, epoch ${state.epoch}` }).toPNG(),
  );
  const table = perClassAccuracyTable(cm, classes);
  const markdown = [
    `# Per-class test accuracy after epoch ${state.epoch}`,
    '',
    table,
    '',
    '## Classification report',
    '',
    '```',
    cm.report({ digits: 3 }),
    '```',
    '',
  ].join('\n');
  await writeRunFile(files.perClassAccuracy, markdown);
  log(`\nper-class test accuracy:\n${table}`);

  const last = history.at(-1);
  run.addHparams(
    {
      optimizer: config.optimizer,
      lr: config.lr,
      batch_size: config.batchSize,
      momentum: config.momentum,
      weight_decay: config.weightDecay,
      epochs: config.epochs,
      augment: config.augment,
      seed: config.seed,
    },
    {
      'hparam/test_accuracy': last?.testAccuracy ?? Number.NaN,
      'hparam/test_loss': last?.testLoss ?? Number.NaN,
      'hparam/best_test_accuracy': state.best?.testAccuracy ?? Number.NaN,
    },
  );
  log(`report: ${files.curves}, ${files.confusionMatrix}, ${files.perClassAccuracy}`);
  return files;
}
