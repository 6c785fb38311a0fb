import type { Module } from '../nn/module.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import { loadCheckpoint, saveCheckpoint } from '../state/checkpoint.js';
import { loadSafetensors } from '../state/safetensors.js';
import { tf } from '../tf.js';

/**
 * Where a training run stands, as a program's checkpoint records it next to the model and optimizer: enough to
 * continue exactly where it stopped. Programs extend it with their own fields (history, best score, …); it must
 * hold only JSON values.
 */
export interface TrainingPosition {
  /** the program that wrote the checkpoint; another program's checkpoint is refused */
  app: string;
  runDir: string;
  checkpointDir: string;
  /** the run's configuration, which a resumed run continues with */
  config: object;
  /** epochs completed */
  epoch: number;
  /** batches done in the epoch under way (0 at an epoch boundary) */
  batch: number;
  /** optimizer steps since the start: the x axis of the logs */
  step: number;
}

/** Saves model, optimizer and the position (as the checkpoint's extra) to one safetensors file, atomically. */
export async function saveTrainingState(
  path: string,
  model: Module,
  optimizer: Optimizer<BaseOptions>,
  state: TrainingPosition,
): Promise<void> {
  // rng null: the programs derive every random stream from (seed, epoch), not from a saved generator state
  await saveCheckpoint(path, { model, optimizer, epoch: state.epoch, step: state.step, rng: null, extra: state });
}

/** The position a checkpoint of program `app` records, without touching a model; throws for anything else. */
export async function readTrainingState<S extends TrainingPosition>(path: string, app: string): Promise<S> {
  const { extra } = await loadCheckpoint(path);
  const state = extra as Partial<TrainingPosition> | undefined;
  if (
    state?.app !== app ||
    typeof state.runDir !== 'string' ||
    typeof state.step !== 'number' ||
    typeof state.epoch !== 'number'
  ) {
    const other = typeof state?.app === 'string' && state.app !== app ? ` (it was written by ${state.app})` : '';
    throw new Error(
      `${path}: not a ${app} training checkpoint${other}; resume from the epoch_N.safetensors or step_N.safetensors of a ${app} run`,
    );
  }
  return state as S;
}

/** Frees the model's and the optimizer's tensors at the end of a run. */
export function disposeTraining(model: Module, optimizer: Optimizer<BaseOptions>): void {
  model.dispose();
  optimizer.dispose();
}

/**
 * Loads weights into `model` from either kind of file a run leaves: a training checkpoint (epoch_N, step_N) or a
 * plain state dict (best.safetensors, or one saved by PyTorch). Says which it was.
 */
export async function loadWeights(model: Module, path: string): Promise<'checkpoint' | 'weights'> {
  const { tensors, metadata } = await loadSafetensors(path);
  tf.dispose(Object.values(tensors));
  if (metadata['trainkit.checkpoint'] !== undefined) {
    await loadCheckpoint(path, { model });
    return 'checkpoint';
  }
  await model.load(path);
  return 'weights';
}
