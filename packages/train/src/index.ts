/**
 * TrainingRun (run directory, logs, checkpoints, exact resume, Ctrl-C, manifest) around your own training loop, and
 * the command-line conventions trainkit's programs share.
 *
 * @module @trainkit/train
 */
export { CliError, describeCliError, explainFailure } from './cli/cli-errors.js';
export { exitOnClosedPipe } from './cli/closed-pipe.js';
export {
  checkFlagValues,
  type FlagSpec,
  type FlagSpecs,
  type FlagValues,
  formatHelp,
  type HelpOptions,
  kebabCase,
  type ParsedFlags,
  parseFlags,
  UsageError,
} from './cli/flags.js';
export { type CliProgram, runCli } from './cli/run-cli.js';
export {
  type ParsedTrainingArgs,
  runTrainingCli,
  type TrainingCliOptions,
  type TrainingProgram,
} from './cli/training-cli.js';
export { type TrainingCommandFlags, type TrainingCommandOptions, trainingCommand } from './cli/training-command.js';
export { checkTrainingFlags, type TrainingFlagDefaults, trainingFlags } from './cli/training-flags.js';
export * from './d2l/index.js';
export { epochLine, snakeCase } from './run/epoch-line.js';
export {
  type EvaluationResult,
  type EvaluationSetup,
  evaluateCommand,
  evaluateWeights,
} from './run/evaluate-weights.js';
export { historyCurves } from './run/history-curves.js';
export { InterruptGuard, type InterruptOptions, onInterrupt } from './run/interrupt.js';
export {
  BEST_MODEL,
  divergedError,
  epochCheckpointName,
  type Flushable,
  RunCheckpoints,
  stepCheckpointName,
} from './run/run-checkpoints.js';
export {
  changedSettings,
  createRunDirectory,
  holdsRun,
  resumedConfig,
  timestampRunName,
} from './run/run-directory.js';
export { loadRunCheckpoint, loadRunSafetensors, writeRunFile } from './run/run-files.js';
export { logEpochEnd, logGraph } from './run/run-logs.js';
export {
  MANIFEST_FILE,
  type RunEnvironment,
  type RunEnvironmentOptions,
  RunManifest,
  type RunManifestOptions,
  type RunStatus,
  runEnvironment,
  writeRunManifest,
} from './run/run-manifest.js';
export { deriveSeed, EPOCH_STREAMS, seedEpoch } from './run/seeds.js';
export { selectBackend } from './run/select-backend.js';
export {
  type BatchesOptions,
  type EndEpochOptions,
  type SetupOptions,
  type StartOptions,
  type TrainingOptions,
  type TrainingResult,
  TrainingRun,
  type TrainingRunConfig,
} from './run/training-run.js';
export {
  checkSavedState,
  disposeTraining,
  type EpochRecord,
  loadWeights,
  type RunState,
  readTrainingState,
  saveTrainingState,
  type TrainingPosition,
} from './run/training-state.js';
