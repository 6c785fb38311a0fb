import { type EpochRecord as GenericRecord, type RunState, readTrainingState as readState } from '@trainkit/train';
import type { CifarConfig } from './config.js';

// The file names every trainkit program uses (@trainkit/train's RunCheckpoints writes them): best.safetensors holds
// the model with the best test accuracy so far; epoch_N.safetensors is the tutorial's `tudui_{i}.pth`.
export { BEST_MODEL, epochCheckpointName, stepCheckpointName } from '@trainkit/train';

/** What each epoch measures besides the training loss. */
export type CifarMetric = 'testLoss' | 'testAccuracy';
export type EpochRecord = GenericRecord<CifarMetric>;

/** Where a cifar-train run stands: everything besides the model and optimizer that continuing it exactly needs. */
export type TrainingState = RunState<CifarConfig, CifarMetric>;

/** Reads a cifar-train checkpoint's training state without touching a model. */
export function readTrainingState(path: string): Promise<TrainingState> {
  return readState<CifarConfig, CifarMetric>(path, 'cifar-train');
}
