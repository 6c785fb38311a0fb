import { runCli } from '@trainkit/core';
import { HELP, parseArgs } from './config.js';
import { evaluateOnly } from './evaluate.js';
import { train } from './train.js';

/**
 * The cifar-train command: returns the exit code — 0 done, 1 failed (the message says why), 2 usage error,
 * 130 stopped by Ctrl-C after saving a checkpoint.
 */
export interface MainOptions {
  /** how the user runs this command, for the hints it prints (default 'cifar-train'; `pnpm start` passes 'pnpm start --') */
  command?: string;
}

export function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  return runCli(
    {
      name: 'cifar-train',
      help: HELP,
      parse: parseArgs,
      run: async ({ config, explicit }) => {
        if (config.evalOnly !== undefined) {
          await evaluateOnly(config);
          return 0;
        }
        return (await train(config, { explicit, ...(options.command ? { command: options.command } : {}) })).exitCode;
      },
    },
    argv,
  );
}
