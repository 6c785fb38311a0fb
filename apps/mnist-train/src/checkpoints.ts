import { readTrainingState as readState, type TrainingPosition } from '@trainkit/core';
import type { MnistConfig } from './config.js';

// The file names every trainkit program uses (core's RunCheckpoints writes them): best.safetensors holds the weights
// with the lowest validation loss so far (seed 004's tut1-model.pt).
export { BEST_MODEL, epochCheckpointName, stepCheckpointName } from '@trainkit/core';

/** One finished epoch, as printed, plotted and logged. */
export interface EpochRecord {
  /** 1-based */
  epoch: number;
  /** the global step at the end of the epoch, where its values are logged */
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  validLoss: number;
  validAccuracy: number;
  trainSeconds: number;
  epochSeconds: number;
  imagesPerSecond: number;
}

/** Where a run stands: everything besides the model and optimizer that continuing it exactly needs. */
export interface TrainingState extends TrainingPosition {
  app: 'mnist-train';
  config: MnistConfig;
  /** running sums over the epoch under way: loss × images, correct predictions, images */
  epochTotals: { loss: number; correct: number; count: number };
  history: EpochRecord[];
  best: { epoch: number; validLoss: number } | null;
}

export function readTrainingState(path: string): Promise<TrainingState> {
  return readState<TrainingState>(path, 'mnist-train');
}
