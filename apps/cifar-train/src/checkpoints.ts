import {
  loadCheckpoint,
  type nn,
  type optim,
  readTrainingState as readState,
  type TrainingPosition,
} from '@trainkit/core';
import type { CifarConfig } from './config.js';

/** The model with the best test accuracy so far: weights only, loadable by PyTorch with safetensors. */
export const BEST_MODEL = 'best.safetensors';
/** After epoch n (1-based) completed, as the tutorial's `tudui_{i}.pth`. */
export const epochCheckpointName = (epoch: number): string => `epoch_${epoch}.safetensors`;
/** Written when a run is stopped mid-epoch (Ctrl-C) after `step` steps. */
export const stepCheckpointName = (step: number): string => `step_${step}.safetensors`;

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

/** Loads the weights and optimizer state of a checkpoint into `model` and `optimizer`. */
export async function restoreTraining(
  path: string,
  model: nn.Module,
  optimizer: optim.Optimizer<optim.BaseOptions>,
): Promise<void> {
  await loadCheckpoint(path, { model, optimizer });
}
