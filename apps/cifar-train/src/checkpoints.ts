import { type EpochRecord as GenericRecord, type RunState, readTrainingState as readState } from '@trainkit/train';
import type { CifarConfig } from './config.js';

/** What each epoch measures besides the training loss. */
export type CifarMetric = 'testLoss' | 'testAccuracy';
export type EpochRecord = GenericRecord<CifarMetric>;

/** Where a cifar-train run stands: everything besides the model and optimizer that continuing it exactly needs. */
export type TrainingState = RunState<CifarConfig, CifarMetric>;

/** Reads a cifar-train checkpoint's training state without touching a model. */
export function readTrainingState(path: string): Promise<TrainingState> {
  return readState<CifarConfig, CifarMetric>(path, 'cifar-train');
}
