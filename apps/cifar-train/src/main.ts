import { runTrainingCli, type TrainingCliOptions } from '@trainkit/train';
import { HELP, parseArgs, VERSION } from './config.js';
import { evaluateOnly } from './evaluate.js';
import { predictMain } from './predict.js';
import { train } from './train.js';

/** How the user runs cifar-train, for the hints it prints (default 'cifar-train'; `pnpm start` passes 'pnpm start --'). */
export type MainOptions = TrainingCliOptions;

/**
 * The cifar-train command (`cifar-train predict …` classifies images with a saved model): returns the exit code — 0 done, 1 failed (the message says why), 2 usage error,
 * 130 stopped by Ctrl-C after saving a checkpoint.
 */
export function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  if (argv[0] === 'predict') return predictMain(argv.slice(1));
  return runTrainingCli(
    { name: 'cifar-train', help: HELP, version: VERSION, parse: parseArgs, evaluateOnly, train },
    argv,
    options,
  );
}
