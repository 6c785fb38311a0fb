import { type EpochRecord as GenericRecord, type RunState, readTrainingState as readState } from '@trainkit/train';
import type { MnistConfig } from './config.js';

/** What each epoch measures besides the training loss. */
export type MnistMetric = 'trainAccuracy' | 'validLoss' | 'validAccuracy';
export type EpochRecord = GenericRecord<MnistMetric>;

/** Where an mnist-train run stands: everything besides the model and optimizer that continuing it exactly needs. */
export type TrainingState = RunState<MnistConfig, MnistMetric>;

export function readTrainingState(path: string): Promise<TrainingState> {
  return readState<MnistConfig, MnistMetric>(path, 'mnist-train');
}
