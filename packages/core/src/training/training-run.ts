import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BackendName } from '../backend/backend-name.js';
import { describeBackend, useBackend } from '../backend/use-backend.js';
import type { Module } from '../nn/module.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import { loadCheckpoint } from '../state/checkpoint.js';
import { explainFailure } from './cli-errors.js';
import { changedSettings, createRunDirectory, resumedConfig } from './run-directory.js';
import { readTrainingState, type TrainingPosition } from './training-state.js';

// Every training program starts a run the same way: pick the backend, read the checkpoint to resume from, merge its
// config with the flags, then (once the data and model exist) set up the run and checkpoint directories and restore
// the weights. Kept here, not copied into each app, so that resuming behaves the same in all of them.

/** The flags of trainingFlags() that starting or resuming a run reads. */
export interface TrainingRunConfig {
  backend?: BackendName | undefined;
  resume?: string | undefined;
  logDir: string;
  runName?: string | undefined;
  checkpointDir?: string | undefined;
}

/** The options every program's train() takes; programs add their own (e.g. where progress bars go). */
export interface TrainingOptions<F extends string> {
  /** flags the user set; on --resume they win over the checkpoint's saved config (e.g. more --epochs) */
  explicit?: Iterable<F>;
  /** where messages go (default console.log) */
  log?: (line: string) => void;
  /** install the Ctrl-C handler (default true) */
  handleSignals?: boolean;
  /** how the user runs this program, for the resume hint (default: the program's name) */
  command?: string;
}

/** What every program's train() returns; programs add their results (report, test scores, …). */
export interface TrainingResult<S extends TrainingPosition> {
  /** 0 when every epoch ran, 130 when Ctrl-C stopped the run (after saving a checkpoint) */
  exitCode: number;
  runDir: string;
  checkpointDir: string;
  /** the checkpoint written last: where to --resume from */
  lastCheckpoint: string | undefined;
  state: S;
}

export interface StartedTraining<C, S extends TrainingPosition> {
  /** the program, as its checkpoints record it */
  app: string;
  /** the flags, or on --resume the checkpoint's config with the explicit flags winning; paths made absolute */
  config: C;
  /** the checkpoint's training state on --resume */
  resumed: S | undefined;
  /** the --resume checkpoint, as given */
  resumePath: string | undefined;
  log: (line: string) => void;
}

/**
 * The first steps of train(): selects the backend (and logs it), reads the --resume checkpoint's state (refusing
 * another program's) and merges its config with the flags. `paths` are the config's path flags, made absolute so
 * that a checkpoint resumes from any working directory.
 */
export async function startTraining<C extends TrainingRunConfig, S extends TrainingPosition>(
  app: string,
  flags: C,
  options: TrainingOptions<Extract<keyof C, string>>,
  paths: readonly (keyof C)[],
): Promise<StartedTraining<C, S>> {
  const log = options.log ?? ((line: string) => console.log(line));
  const backend = await explainFailure('--backend', flags.backend ?? 'auto', () => useBackend(flags.backend));
  log(`backend: ${describeBackend(backend)}`);
  const resumePath = flags.resume;
  const resumed =
    resumePath === undefined
      ? undefined
      : await explainFailure('--resume', resumePath, () => readTrainingState<S>(resumePath, app));
  const config = resumed ? resumedConfig(resumed.config, flags, options.explicit ?? []) : { ...flags };
  for (const key of paths) {
    const value = config[key];
    if (typeof value === 'string') config[key] = resolve(value) as C[keyof C];
  }
  return { app, config, resumed, resumePath, log };
}

export interface OpenedRun<S extends TrainingPosition> {
  runDir: string;
  checkpointDir: string;
  state: S;
}

/**
 * Sets up where a run writes, once its model and optimizer exist: a new run directory (or the resumed run's own),
 * the checkpoint directory, and the training state: the resumed one, or a fresh one at step 0 with the program's
 * own fields `fresh`. On --resume it restores the weights and optimizer state and says where the run continues,
 * noting settings that make it differ from an uninterrupted run.
 */
export async function openTrainingRun<C extends TrainingRunConfig, S extends TrainingPosition>(
  started: StartedTraining<C, S>,
  fresh: Omit<S, keyof TrainingPosition>,
  model: Module,
  optimizer: Optimizer<BaseOptions>,
): Promise<OpenedRun<S>> {
  const { app, config, resumed, resumePath, log } = started;
  const runDir = resumed ? resolve(resumed.runDir) : await createRunDirectory(config.logDir, config.runName);
  const checkpointDir = resolve(config.checkpointDir ?? join(runDir, 'checkpoints'));
  await mkdir(runDir, { recursive: true });
  await mkdir(checkpointDir, { recursive: true });
  const start: TrainingPosition = { app, runDir, checkpointDir, config, epoch: 0, batch: 0, step: 0 };
  // S is the position plus the program's fields: `fresh` on a new run, the checkpoint's on a resumed one
  const state: S = resumed ? { ...resumed, config, runDir, checkpointDir } : ({ ...start, ...fresh } as unknown as S);
  if (resumed && resumePath !== undefined) {
    await explainFailure('--resume', resumePath, () => loadCheckpoint(resumePath, { model, optimizer }));
    const where =
      state.batch === 0 ? `after epoch ${state.epoch}` : `in epoch ${state.epoch + 1}, after batch ${state.batch}`;
    log(`resumed from ${resumePath}: step ${state.step}, ${where}`);
    const changed = changedSettings(resumed.config, config);
    if (changed.length > 0)
      log(
        `note: continuing with changed settings (${changed.join(', ')}): the result will differ from an uninterrupted run`,
      );
  }
  log(`run directory: ${runDir}  (tensorboard --logdir ${config.logDir})`);
  return { runDir, checkpointDir, state };
}
