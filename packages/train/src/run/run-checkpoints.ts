import { type nn, type optim, serializeSafetensors } from '@trainkit/core';
import { isS3Url, joinPath } from '@trainkit/tensorboard';
import { CliError } from '../cli/cli-errors.js';
import { writeRunFile } from './run-files.js';
import { saveTrainingState, type TrainingPosition } from './training-state.js';

// The files a training run leaves in its checkpoint directory, and the bookkeeping around writing them, shared by
// the programs so that every run can be resumed (and its checkpoints found) the same way.

/** The best weights so far: weights only, loadable by PyTorch with safetensors. */
export const BEST_MODEL = 'best.safetensors';
/** After epoch n (1-based) completed: model, optimizer and where the run stands, to --resume from. */
export const epochCheckpointName = (epoch: number): string => `epoch_${epoch}.safetensors`;
/** Written when a run is stopped mid-epoch (Ctrl-C) after `step` steps. */
export const stepCheckpointName = (step: number): string => `step_${step}.safetensors`;

/** What must be stored before a checkpoint is written: the run's logs (a SummaryWriter). */
export interface Flushable {
  /** flushes and resolves once the flushed events are stored (on disk, or uploaded to S3) */
  flushed(): Promise<void>;
}

/**
 * Writes a run's checkpoints (in a local directory or under an s3:// prefix) and remembers the last one (where to
 * --resume from). Each save flushes the logs first and waits until they are stored: a resumed run hides (purges) the events after its checkpoint's step, so those before it must be on disk.
 */
export class RunCheckpoints {
  /** the checkpoint written last, or the one the run resumed from */
  last: string | undefined;

  constructor(
    readonly dir: string,
    private readonly run: {
      model: nn.Module;
      optimizer: optim.Optimizer<optim.BaseOptions>;
      state: TrainingPosition;
      writer: Flushable;
      /** the checkpoint the run resumed from, until this writes one */
      last?: string | undefined;
    },
  ) {
    this.last = run.last;
  }

  /** The checkpoint after a completed epoch (the state's epoch). */
  saveEpoch(): Promise<string> {
    return this.#save(epochCheckpointName(this.run.state.epoch));
  }

  /** The checkpoint of a run stopped mid-epoch (Ctrl-C), with the line that says so. */
  async saveStop(batches: number): Promise<string> {
    const { state } = this.run;
    const path = await this.#save(stepCheckpointName(state.step));
    return `stopped at step ${state.step} (epoch ${state.epoch + 1}, batch ${state.batch}/${batches}); saved ${path}`;
  }

  /** The weights alone, as best.safetensors, with `metadata` (e.g. the epoch and its score). */
  async saveBest(metadata: Record<string, string>): Promise<void> {
    const path = joinPath(this.dir, BEST_MODEL);
    if (isS3Url(path)) await writeRunFile(path, await serializeSafetensors(this.run.model.stateDict(), metadata, path));
    else await this.run.model.save(path, metadata);
  }

  /** What to tell the user when the run stopped before its last epoch. */
  resumeHint(command: string): string {
    return this.last
      ? `resume with: ${command} --resume ${this.last}`
      : 'stopped before the first step: nothing to save';
  }

  async #save(name: string): Promise<string> {
    const { model, optimizer, state, writer } = this.run;
    const path = joinPath(this.dir, name);
    await writer.flushed();
    await saveTrainingState(path, model, optimizer, state);
    this.last = path;
    return path;
  }
}

/** The error for a loss that is no longer finite, with the usual remedy. */
export function divergedError(loss: number, state: TrainingPosition, lr: number, last?: string): CliError {
  const kept = last === undefined ? '' : `; the last good checkpoint is ${last}`;
  return new CliError(
    `training diverged: the loss is ${loss} at step ${state.step + 1} (epoch ${state.epoch + 1}); try a lower --lr (it is ${lr})${kept}`,
  );
}
