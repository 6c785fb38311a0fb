import { type FlagSpecs, type FlagValues, formatHelp, parseFlags } from './flags.js';
import type { ParsedTrainingArgs } from './training-cli.js';
import { checkTrainingFlags } from './training-flags.js';

export interface TrainingCommandOptions<C, F> {
  /** the command as the user types it, e.g. 'cifar-train' */
  program: string;
  /** what it does, one paragraph */
  description: string;
  /** command lines shown under "Examples:" */
  examples: readonly string[];
  /** lines of the program's own notes, before the ones every training program shares (Ctrl-C, exit codes) */
  notes?: readonly string[];
  /** the checks across this program's flags that no single flag can make; throws UsageError */
  check?(config: C, explicit: ReadonlySet<F>): void;
}

// What every training program does with signals and usage errors (runTrainingCli, TrainingRun), said the same way.
const SHARED_NOTES = [
  'Ctrl-C stops after the current step and saves a checkpoint to resume from (exit code 130);',
  'a second Ctrl-C quits at once. Usage errors exit with code 2.',
];

/**
 * A training program's --help text and argv parser from its flag specs (trainingFlags() spread into its own): the
 * help ends with the examples and the notes every program shares, and parsing applies the shared checks, then the
 * program's. Throws UsageError.
 */
export function trainingCommand<S extends FlagSpecs>(
  specs: S,
  { program, description, examples, notes = [], check }: TrainingCommandOptions<FlagValues<S>, keyof FlagValues<S>>,
) {
  type C = FlagValues<S> & { evalOnly?: string | undefined; resume?: string | undefined };
  const help = formatHelp(specs, {
    program,
    description,
    epilog: ['Examples:', ...examples.map((e) => `  ${e}`), '', ...notes, ...SHARED_NOTES].join('\n'),
  });
  const parseArgs = (argv: readonly string[]): ParsedTrainingArgs<C, keyof FlagValues<S>> => {
    const { values, explicit, help: wantsHelp } = parseFlags(argv, specs);
    const config = values as C;
    if (!wantsHelp) {
      checkTrainingFlags(config);
      check?.(config, explicit);
    }
    return { config, explicit, help: wantsHelp };
  };
  return { help, parseArgs };
}
