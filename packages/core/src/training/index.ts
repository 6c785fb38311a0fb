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
export { type CliProgram, runCli } from './run-cli.js';
export {
  changedSettings,
  createRunDirectory,
  holdsRun,
  resumedConfig,
  timestampRunName,
} from './run-directory.js';
export {
  type RunEnvironment,
  type RunEnvironmentOptions,
  RunManifest,
  type RunManifestOptions,
  type RunStatus,
  runEnvironment,
  writeRunManifest,
} from './run-manifest.js';
export { deriveSeed } from './seeds.js';
export { checkTrainingFlags, type TrainingFlagDefaults, trainingFlags } from './training-flags.js';
export {
  disposeTraining,
  loadWeights,
  readTrainingState,
  saveTrainingState,
  type TrainingPosition,
} from './training-state.js';
