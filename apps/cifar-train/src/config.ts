import { type nn, optim } from '@trainkit/core';
import { type FlagValues, trainingCommand, UsageError } from '@trainkit/train';
import { version } from '../package.json';

/** What --version prints: this app's package version. */
export const VERSION = version;

/**
 * cifar-train's command line: the shared training flags (defaults as in the tutorial) with the optimizer's and
 * --augment, its --help and its parser.
 */
export const {
  flags: CIFAR_FLAGS,
  help: HELP,
  parseArgs,
} = trainingCommand({
  program: 'cifar-train',
  version,
  description:
    'Trains the CIFAR-10 network of the PyTorch tutorial (3 conv + 3 max-pool + 2 linear layers) and writes\n' +
    'TensorBoard logs, a checkpoint per epoch, best.safetensors and a report (curves, confusion matrix,\n' +
    'per-class accuracy, run manifest) into the run directory --log-dir/--run-name.',
  examples: [
    'cifar-train --data-dir samples/cifar-10-sample --epochs 10',
    'cifar-train --optimizer adam --lr 1e-3 --augment',
    'cifar-train --resume runs/cifar-train/20250101-120000/checkpoints/epoch_3.safetensors',
    'cifar-train --eval-only runs/cifar-train/20250101-120000/checkpoints/best.safetensors',
    'cifar-train predict --model runs/cifar-train/20250101-120000/checkpoints/best.safetensors dog.png',
  ],
  defaults: { epochs: 10, batchSize: 64, lr: 0.01, logDir: 'runs/cifar-train', dataDir: 'data' },
  flags: {
    optimizer: { type: 'choice', choices: ['sgd', 'adam'], default: 'sgd', help: 'optimizer (the tutorial uses SGD)' },
    momentum: { type: 'number', min: 0, default: 0, help: 'SGD momentum' },
    weightDecay: { type: 'number', min: 0, default: 0, help: 'L2 penalty added to the gradients (SGD and Adam)' },
    augment: {
      type: 'boolean',
      default: false,
      help: 'augment training images: random 32×32 crop of the image padded by 4, random horizontal flip',
    },
  },
  check: (config, explicit) => {
    if (config.optimizer === 'adam' && explicit.has('momentum')) {
      throw new UsageError(
        `--momentum ${config.momentum}: momentum applies to --optimizer sgd (Adam has its own betas)`,
      );
    }
  },
});

export type CifarConfig = FlagValues<typeof CIFAR_FLAGS>;
export type CifarFlag = keyof CifarConfig;

/** --optimizer with its settings: the tutorial's SGD, or Adam. */
export function makeOptimizer(config: CifarConfig, params: nn.Parameter[]): optim.Optimizer<optim.BaseOptions> {
  const { lr, momentum, weightDecay } = config;
  return config.optimizer === 'adam'
    ? new optim.Adam(params, { lr, weightDecay })
    : new optim.SGD(params, { lr, momentum, weightDecay });
}
