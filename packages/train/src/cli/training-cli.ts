import { runCli } from './run-cli.js';

/** What a training program's flags parse to (see parseFlags and trainingFlags). */
export interface ParsedTrainingArgs<C extends { evalOnly?: string | undefined }, F> {
  config: C;
  /** flags the user set, which win over a resumed checkpoint's config */
  explicit: Set<F>;
  help: boolean;
  /** --version was given */
  version?: boolean;
}

/** The parts of a training program that its command line dispatches to. */
export interface TrainingProgram<C extends { evalOnly?: string | undefined }, F> {
  /** the command's name, prefixed to error messages */
  name: string;
  /** the --help text */
  help: string;
  /** what --version prints: the program's package version */
  version?: string;
  parse(argv: readonly string[]): ParsedTrainingArgs<C, F>;
  /** --eval-only CKPT: evaluate a checkpoint instead of training */
  evaluateOnly(config: C): Promise<unknown>;
  train(config: C, options: { explicit: Set<F>; command?: string }): Promise<{ exitCode: number }>;
}

export interface TrainingCliOptions {
  /** how the user runs this command, for the hints it prints (default: the program's name; start scripts pass theirs) */
  command?: string;
  /**
   * A line printed before the program trains or evaluates, e.g. which data a start script chose for the user. Not
   * printed for --help (the help comes first and alone) nor for a usage error.
   */
  notice?: string;
}

/**
 * The main() of a training program, on top of runCli: --eval-only evaluates, anything else trains. Returns the exit
 * code: 0 done, 1 failed (the message says why), 2 usage error, 130 stopped by Ctrl-C after saving a checkpoint.
 */
export function runTrainingCli<C extends { evalOnly?: string | undefined }, F>(
  program: TrainingProgram<C, F>,
  argv: readonly string[],
  options: TrainingCliOptions = {},
): Promise<number> {
  return runCli(
    {
      name: program.name,
      help: program.help,
      version: program.version,
      parse: program.parse,
      run: async ({ config, explicit }) => {
        if (options.notice !== undefined) process.stdout.write(`${options.notice}\n`);
        if (config.evalOnly !== undefined) {
          await program.evaluateOnly(config);
          return 0;
        }
        const { command } = options;
        return (await program.train(config, { explicit, ...(command ? { command } : {}) })).exitCode;
      },
    },
    argv,
  );
}
