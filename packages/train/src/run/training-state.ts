import type { nn, optim } from '@trainkit/core';
import { saveCheckpoint, serializeCheckpoint, tf } from '@trainkit/core';
import { isS3Url } from '@trainkit/tensorboard';
import { checkFlagValues, type FlagSpecs } from '../cli/flags.js';
import { trainingFlags } from '../cli/training-flags.js';
import { loadRunCheckpoint, loadRunSafetensors, writeRunFile } from './run-files.js';

/**
 * Where a training run stands, as its checkpoints record it next to the model and optimizer: enough to continue
 * exactly where it stopped. Only JSON values.
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

/**
 * One finished epoch, as logged, printed and plotted: the training averages, the program's metrics `M` (e.g.
 * 'testLoss' | 'testAccuracy'), the times.
 */
export type EpochRecord<M extends string = string> = EpochTimes & Record<M, number>;

interface EpochTimes {
  /** 1-based */
  epoch: number;
  /** the global step at the end of the epoch, where its values are logged */
  step: number;
  /** the mean training loss over the epoch's images */
  trainLoss: number;
  trainSeconds: number;
  epochSeconds: number;
  imagesPerSecond: number;
}

/** A TrainingRun's whole state: the position plus what the epoch under way has summed and what the run kept. */
export interface RunState<C extends object = object, M extends string = string> extends TrainingPosition {
  config: C;
  /** sums over the epoch under way: loss × images, each step total, images */
  running: { loss: number; count: number; totals: Record<string, number> };
  history: EpochRecord<M>[];
  /** the epoch with the best value of the metric that chooses best.safetensors, with that value */
  best: ({ epoch: number } & Partial<Record<M, number>>) | null;
}

/**
 * Saves model, optimizer and the position (as the checkpoint's extra) to one safetensors file (or s3:// object),
 * atomically.
 */
export async function saveTrainingState(
  path: string,
  model: nn.Module,
  optimizer: optim.Optimizer<optim.BaseOptions>,
  state: TrainingPosition,
): Promise<void> {
  // rng null: the programs derive every random stream from (seed, epoch), not from a saved generator state
  const contents = { model, optimizer, epoch: state.epoch, step: state.step, rng: null, extra: state };
  if (isS3Url(path)) await writeRunFile(path, await serializeCheckpoint(contents));
  else await saveCheckpoint(path, contents);
}

/**
 * The state a checkpoint of program `app` records, without touching a model; throws for anything else, and for a
 * state no run could have saved: its config is checked against `flags` (the program's flag specs, default the
 * shared trainingFlags()), its position and sums must be whole, finite numbers.
 */
export async function readTrainingState<C extends object, M extends string = string>(
  path: string,
  app: string,
  flags: FlagSpecs = SHARED_FLAGS,
): Promise<RunState<C, M>> {
  const { extra } = await loadRunCheckpoint(path);
  const state = extra as Partial<RunState<C, M>> | undefined;
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
  if (typeof state.running !== 'object' || !Array.isArray(state.history)) {
    throw new Error(
      `${path}: a ${app} checkpoint from before trainkit's TrainingRun (it has no running totals or history); start a new run, or evaluate it with --eval-only`,
    );
  }
  checkSavedState(path, state, flags);
  return state as RunState<C, M>;
}

// The shared flags' specs, for checking saved configs; the defaults play no part in that.
const SHARED_FLAGS: FlagSpecs = trainingFlags({ epochs: 1, batchSize: 1, lr: 1, logDir: '.', dataDir: '.' });

/**
 * Refuses a saved training state that no run could have written (a damaged or hand-edited checkpoint), naming the
 * value at fault: a config value its flag would refuse (batch size 0, a negative learning rate), a position that
 * is not a whole number ≥ 0, a running sum that is not a finite number. Resuming or evaluating such a checkpoint
 * would otherwise go ahead without a word.
 */
export function checkSavedState(path: string, state: Partial<RunState>, flags: FlagSpecs = SHARED_FLAGS): void {
  const fail = (detail: string) =>
    new Error(`${path}: ${detail}; the checkpoint is damaged or was edited (resume from another one)`);
  if (typeof state.config !== 'object' || state.config === null || Array.isArray(state.config))
    throw fail(`its saved config is ${JSON.stringify(state.config)}, expected an object of flag values`);
  try {
    checkFlagValues(state.config as Record<string, unknown>, flags, 'saved config');
  } catch (err) {
    throw fail((err as Error).message);
  }
  for (const key of ['epoch', 'batch', 'step'] as const) {
    const v = state[key];
    if (!Number.isSafeInteger(v) || (v as number) < 0)
      throw fail(`saved position "${key}": expected an integer ≥ 0, got ${JSON.stringify(v)}`);
  }
  const { running } = state;
  const sums = running ? { loss: running.loss, count: running.count, ...running.totals } : undefined;
  for (const [name, v] of Object.entries(sums ?? {})) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (name === 'count' && v < 0))
      throw fail(`saved running sum "${name}": expected a finite number, got ${JSON.stringify(v)}`);
  }
}

/** Frees the model's and the optimizer's tensors at the end of a run. */
export function disposeTraining(model: nn.Module, optimizer: optim.Optimizer<optim.BaseOptions>): void {
  model.dispose();
  optimizer.dispose();
}

/**
 * Loads weights into `model` from either kind of file a run leaves: a training checkpoint (epoch_N, step_N) or a
 * plain state dict (best.safetensors, or one saved by PyTorch). Says which it was.
 */
export async function loadWeights(model: nn.Module, path: string): Promise<'checkpoint' | 'weights'> {
  const { tensors, metadata } = await loadRunSafetensors(path);
  try {
    if (metadata['trainkit.checkpoint'] !== undefined) {
      // a training run's checkpoint is refused when its saved state is impossible, as --resume refuses it
      const state = (await loadRunCheckpoint(path)).extra as Partial<RunState> | undefined;
      if (typeof state === 'object' && state !== null && typeof state.app === 'string') checkSavedState(path, state);
      await loadRunCheckpoint(path, { model });
      return 'checkpoint';
    }
    if (!isS3Url(path)) {
      await model.load(path);
      return 'weights';
    }
    try {
      model.loadStateDict(tensors);
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
    }
    return 'weights';
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
