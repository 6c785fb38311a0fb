import { type FlagSpecs, type FlagValues, formatHelp, parseFlags } from './flags.js';
import type { ParsedTrainingArgs } from './training-cli.js';
import { checkTrainingFlags, type TrainingFlagDefaults, trainingFlags } from './training-flags.js';

type SharedFlags = ReturnType<typeof trainingFlags>;
type LoopFlags = Pick<SharedFlags, 'epochs' | 'batchSize' | 'lr'>;
/** A program's flags: the loop's (epochs, batch size, lr), its own, then the shared ones it does not redefine. */
export type TrainingCommandFlags<S extends FlagSpecs> = LoopFlags & S & Omit<SharedFlags, keyof S>;

export interface TrainingCommandOptions<S extends FlagSpecs> {
  /** the command as the user types it, e.g. 'cifar-train' */
  program: string;
  /** what it does, one paragraph */
  description: string;
  /** the program's version (its package.json's), listed as --version in the help */
  version?: string;
  /** command lines shown under "Examples:" */
  examples: readonly string[];
  /** lines of the program's own notes, before the ones every training program shares (Ctrl-C, exit codes) */
  notes?: readonly string[];
  /** the defaults of the shared flags (trainingFlags) for this program */
  defaults: TrainingFlagDefaults;
  /** the program's own flags, listed after --epochs, --batch-size and --lr; a shared flag of the same name is replaced */
  flags: S;
  /** the checks across this program's flags that no single flag can make; throws UsageError */
  check?(
    config: FlagValues<TrainingCommandFlags<S>>,
    explicit: ReadonlySet<keyof FlagValues<TrainingCommandFlags<S>>>,
  ): void;
}

// What every training program does with signals and usage errors (runTrainingCli, TrainingRun), said the same way.
const SHARED_NOTES = [
  'Ctrl-C stops after the current step and saves a checkpoint to resume from (exit code 130);',
  'a second Ctrl-C quits at once. Usage errors exit with code 2.',
];

/**
 * A training program's command line: its flags (trainingFlags() with the program's own), the --help text ending
 * with the examples and the notes every program shares, and the argv parser that applies the shared checks, then
 * the program's (it throws UsageError).
 */
export function trainingCommand<const S extends FlagSpecs>({
  program,
  description,
  version,
  examples,
  notes = [],
  defaults,
  flags: own,
  check,
}: TrainingCommandOptions<S>) {
  const { epochs, batchSize, lr, ...shared } = trainingFlags(defaults);
  for (const key of Object.keys(own)) delete (shared as Record<string, unknown>)[key];
  const flags = { epochs, batchSize, lr, ...own, ...shared } as TrainingCommandFlags<S>;
  type C = FlagValues<TrainingCommandFlags<S>> & { evalOnly?: string | undefined };
  const help = formatHelp(flags, {
    program,
    description,
    version,
    epilog: ['Examples:', ...examples.map((e) => `  ${e}`), '', ...notes, ...SHARED_NOTES].join('\n'),
  });
  const parseArgs = (argv: readonly string[]): ParsedTrainingArgs<C, keyof C> => {
    const { values, explicit, help: wantsHelp, version: wantsVersion } = parseFlags(argv, flags);
    const config = values as C;
    if (!wantsHelp && !wantsVersion) {
      checkTrainingFlags(config);
      check?.(config, explicit as ReadonlySet<keyof C>);
    }
    return { config, explicit: explicit as Set<keyof C>, help: wantsHelp, version: wantsVersion };
  };
  return { flags, help, parseArgs };
}
