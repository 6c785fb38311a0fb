import { BACKEND_NAMES } from '@trainkit/core';
import { type FlagSpecs, UsageError } from './flags.js';

export interface TrainingFlagDefaults {
  epochs: number;
  batchSize: number;
  lr: number;
  /** where runs go: one subdirectory per run, the directory to point TensorBoard at */
  logDir: string;
  /** where the dataset is looked for (and downloaded to) */
  dataDir: string;
}

/**
 * The flags every trainkit training program shares, with the same names, meaning and help text: the loop
 * (epochs, batch size, learning rate, seed), the backend, where data, logs and checkpoints go, resuming and
 * evaluating a checkpoint, and small runs (limits). A program spreads them into its own specs and adds its own.
 */
export function trainingFlags(defaults: TrainingFlagDefaults) {
  return {
    epochs: { type: 'int', min: 1, default: defaults.epochs, help: 'passes over the training set' },
    batchSize: { type: 'int', min: 1, default: defaults.batchSize, help: 'images per training and evaluation batch' },
    lr: { type: 'number', positive: true, default: defaults.lr, placeholder: 'RATE', help: 'learning rate' },
    seed: {
      type: 'int',
      min: 0,
      max: 0xffffffff,
      default: 0,
      help: 'seeds initialisation, shuffling and augmentation: the same seed gives the same run',
    },
    backend: {
      type: 'choice',
      choices: BACKEND_NAMES,
      help: 'tfjs backend; auto tries tensorflow-gpu, tensorflow, native, wasm, cpu (default: $TRAINKIT_BACKEND, else auto)',
    },
    dataDir: {
      type: 'string',
      default: defaults.dataDir,
      placeholder: 'DIR',
      help: 'where the dataset is (or is downloaded to)',
    },
    download: { type: 'boolean', default: true, help: 'download the dataset when it is not in --data-dir' },
    logDir: {
      type: 'string',
      default: defaults.logDir,
      placeholder: 'DIR',
      help: 'parent of the run directories; point TensorBoard here (tensorboard --logdir DIR)',
    },
    runName: {
      type: 'string',
      placeholder: 'NAME',
      help: 'run directory name under --log-dir (default: the start time, YYYYMMDD-HHMMSS)',
    },
    checkpointDir: { type: 'string', placeholder: 'DIR', help: 'where checkpoints go (default: RUN_DIR/checkpoints)' },
    resume: {
      type: 'string',
      placeholder: 'CKPT',
      help: 'continue the run a checkpoint (.safetensors) belongs to, from where it stopped',
    },
    evalOnly: {
      type: 'string',
      placeholder: 'CKPT',
      help: 'only evaluate a checkpoint or model file on the test set, then exit',
    },
    limitTrain: {
      type: 'int',
      min: 1,
      placeholder: 'N',
      help: 'train on the first N training images only (quick runs)',
    },
    limitTest: { type: 'int', min: 1, placeholder: 'N', help: 'evaluate on the first N test images only' },
    logEvery: { type: 'int', min: 1, default: 100, help: 'log the training loss to TensorBoard every N steps' },
    progress: { type: 'boolean', default: true, help: 'show progress bars (on stderr)' },
  } as const satisfies FlagSpecs;
}

/** The checks across the shared flags that no single flag can make; throws UsageError. */
export function checkTrainingFlags(values: { resume?: string | undefined; evalOnly?: string | undefined }): void {
  if (values.resume !== undefined && values.evalOnly !== undefined) {
    throw new UsageError(
      '--resume and --eval-only exclude each other: resume a training run, or evaluate a checkpoint',
    );
  }
}
