/**
 * d2l's Accumulator, accuracy and Timer, a whole-loader evaluate, an sklearn-compatible ConfusionMatrix and the
 * most-incorrect predictions.
 *
 * @module @trainkit/metrics
 */
export { Accumulator } from './accumulator.js';
export { accuracy, accuracyRate, topKAccuracy } from './accuracy.js';
export {
  type ClassScores,
  ConfusionMatrix,
  type ConfusionMatrixJSON,
  type ConfusionMatrixOptions,
  type LabelsLike,
  type PredictionsLike,
} from './confusion-matrix.js';
export { type EvaluateOptions, type EvaluateResult, evaluate, evaluateAccuracy, type LossFn } from './evaluate.js';
export { ExponentialMovingAverage } from './exponential-moving-average.js';
export type { Batch, BatchOptions, Loader } from './loader.js';
export {
  type GetPredictionsOptions,
  getPredictions,
  type IncorrectPrediction,
  mostIncorrect,
  type Predictions,
} from './predictions.js';
export type { ScalarLike } from './read-scalars.js';
export { RunningMean } from './running-mean.js';
export { Timer, type TimerOptions, throughput } from './timer.js';
