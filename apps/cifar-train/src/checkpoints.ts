import { readTrainingState as readState, type TrainingPosition } from '@trainkit/core';
import type { CifarConfig } from './config.js';

// The file names every trainkit program uses (core's RunCheckpoints writes them): best.safetensors holds the model
// with the best test accuracy so far; epoch_N.safetensors is the tutorial's `tudui_{i}.pth`.
export { BEST_MODEL, epochCheckpointName, stepCheckpointName } from '@trainkit/core';

/** One finished epoch, as printed and plotted. */
export interface EpochRecord {
  /** 1-based */
  epoch: number;
  /** the global step at the end of the epoch, where its test values are logged */
  step: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  trainSeconds: number;
  epochSeconds: number;
  imagesPerSecond: number;
}

/** Where a run stands: everything besides the model and optimizer that continuing it exactly needs. */
export interface TrainingState extends TrainingPosition {
  app: 'cifar-train';
  config: CifarConfig;
  /** the running training loss of the epoch under way, summed over images */
  epochLoss: { sum: number; count: number };
  history: EpochRecord[];
  best: { epoch: number; testAccuracy: number } | null;
}

/** Reads a cifar-train checkpoint's training state without touching a model. */
export function readTrainingState(path: string): Promise<TrainingState> {
  return readState<TrainingState>(path, 'cifar-train');
}
