export { CliError, describeCliError, explainFailure } from './cli-errors.js';
export {
  type FlagSpec,
  type FlagSpecs,
  type FlagValues,
  formatHelp,
  type HelpOptions,
  kebabCase,
  type ParsedFlags,
  parseFlags,
  UsageError,
} from './flags.js';
export { InterruptGuard, type InterruptOptions, onInterrupt } from './interrupt.js';
export {
  BEST_MODEL,
  divergedError,
  epochCheckpointName,
  type Flushable,
  RunCheckpoints,
  stepCheckpointName,
} from './run-checkpoints.js';
export { type CliProgram, runCli } from './run-cli.js';
export {
  changedSettings,
  createRunDirectory,
  holdsRun,
  resumedConfig,
  timestampRunName,
} from './run-directory.js';
export { logEpochEnd, logGraph, type RunLogWriter } from './run-logs.js';
export {
  type RunEnvironment,
  type RunEnvironmentOptions,
  RunManifest,
  type RunManifestOptions,
  type RunStatus,
  runEnvironment,
  writeRunManifest,
} from './run-manifest.js';
export { deriveSeed, EPOCH_STREAMS, seedEpoch } from './seeds.js';
export {
  type ParsedTrainingArgs,
  runTrainingCli,
  type TrainingCliOptions,
  type TrainingProgram,
} from './training-cli.js';
export { checkTrainingFlags, type TrainingFlagDefaults, trainingFlags } from './training-flags.js';
export {
  type OpenedRun,
  openTrainingRun,
  type StartedTraining,
  startTraining,
  type TrainingOptions,
  type TrainingResult,
  type TrainingRunConfig,
} from './training-run.js';
export {
  disposeTraining,
  loadWeights,
  readTrainingState,
  saveTrainingState,
  type TrainingPosition,
} from './training-state.js';
