export {
  type AnalysisFiles,
  analyse,
  DIGITS,
  getRepresentations,
  N_INCORRECT,
  type Representations,
} from './analysis.js';
export { type EpochRecord, readTrainingState, type TrainingState } from './checkpoints.js';
export { HELP, MNIST_FLAGS, type MnistConfig, type MnistFlag, parseArgs } from './config.js';
export { describeMnist, loadMnist, type MnistSplits, SPLIT_SEED, VALID_RATIO } from './data.js';
export { type EvaluationResult, evaluateOnly } from './evaluate.js';
export { type MainOptions, main } from './main.js';

export { MLP } from './model.js';
export { type TrainOptions, type TrainResult, train } from './train.js';
