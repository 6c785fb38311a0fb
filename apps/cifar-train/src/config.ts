import { type nn, optim } from '@trainkit/core';
import {
  checkTrainingFlags,
  type FlagSpecs,
  type FlagValues,
  formatHelp,
  parseFlags,
  trainingFlags,
  UsageError,
} from '@trainkit/train';

const { epochs, batchSize, lr, ...shared } = trainingFlags({
  epochs: 10,
  batchSize: 64,
  lr: 0.01,
  logDir: 'runs/cifar-train',
  dataDir: 'data',
});

/** Every flag of cifar-train, in --help order; the defaults are the tutorial's. */
export const CIFAR_FLAGS = {
  epochs,
  batchSize,
  lr,
  optimizer: { type: 'choice', choices: ['sgd', 'adam'], default: 'sgd', help: 'optimizer (the tutorial uses SGD)' },
  momentum: { type: 'number', min: 0, default: 0, help: 'SGD momentum' },
  weightDecay: { type: 'number', min: 0, default: 0, help: 'L2 penalty added to the gradients (SGD and Adam)' },
  augment: {
    type: 'boolean',
    default: false,
    help: 'augment training images: random 32×32 crop of the image padded by 4, random horizontal flip',
  },
  ...shared,
} as const satisfies FlagSpecs;

export type CifarConfig = FlagValues<typeof CIFAR_FLAGS>;
export type CifarFlag = keyof CifarConfig;

export const HELP = formatHelp(CIFAR_FLAGS, {
  program: 'cifar-train',
  description:
    'Trains the CIFAR-10 network of the PyTorch tutorial (3 conv + 3 max-pool + 2 linear layers) and writes\n' +
    'TensorBoard logs, a checkpoint per epoch, best.safetensors and a report (curves, confusion matrix,\n' +
    'per-class accuracy, run manifest) into the run directory --log-dir/--run-name.',
  epilog: [
    'Examples:',
    '  cifar-train --data-dir ../shared/data/cifar-10-sample --epochs 10',
    '  cifar-train --optimizer adam --lr 1e-3 --augment',
    '  cifar-train --resume runs/cifar-train/20250101-120000/checkpoints/epoch_3.safetensors',
    '  cifar-train --eval-only runs/cifar-train/20250101-120000/checkpoints/best.safetensors',
    '',
    'Ctrl-C stops after the current step and saves a checkpoint to resume from (exit code 130);',
    'a second Ctrl-C quits at once. Usage errors exit with code 2.',
  ].join('\n'),
});

export interface ParsedArgs {
  config: CifarConfig;
  /** flags the user set (command line or --config file), which win over a resumed checkpoint's config */
  explicit: Set<CifarFlag>;
  help: boolean;
}

/** Flags → config, with the checks no single flag can make on its own. Throws UsageError. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const { values: config, explicit, help } = parseFlags(argv, CIFAR_FLAGS);
  if (!help) checkConfig(config, explicit);
  return { config, explicit, help };
}

/** --optimizer with its settings: the tutorial's SGD, or Adam. */
export function makeOptimizer(config: CifarConfig, params: nn.Parameter[]): optim.Optimizer<optim.BaseOptions> {
  const { lr, momentum, weightDecay } = config;
  return config.optimizer === 'adam'
    ? new optim.Adam(params, { lr, weightDecay })
    : new optim.SGD(params, { lr, momentum, weightDecay });
}

export function checkConfig(config: CifarConfig, explicit: ReadonlySet<CifarFlag> = new Set()): void {
  checkTrainingFlags(config);
  if (config.optimizer === 'adam' && explicit.has('momentum')) {
    throw new UsageError(`--momentum ${config.momentum}: momentum applies to --optimizer sgd (Adam has its own betas)`);
  }
}
