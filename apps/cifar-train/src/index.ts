export { type EpochRecord, readTrainingState, type TrainingState } from './checkpoints.js';
export {
  CIFAR_FLAGS,
  type CifarConfig,
  type CifarFlag,
  HELP,
  parseArgs,
} from './config.js';
export { type EvaluationResult, evaluateOnly } from './evaluate.js';
export { type MainOptions, main } from './main.js';
export { Tudui } from './model.js';
export { perClassAccuracyTable, REPORT_FILES, type ReportFiles } from './report.js';
export { type TrainOptions, type TrainResult, train } from './train.js';
