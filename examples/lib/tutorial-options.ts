// The flags every tutorial program shares: its own small limits (so CI runs each chapter in seconds) and where its
// outputs go. --help prints them; a bad value is one line on stderr and exit 2, as trainkit's other programs do.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FlagSpecs, type FlagValues, formatHelp, parseFlags, UsageError } from '@trainkit/train';

/** the repository's committed data, found from this file so a program runs from any working directory */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CIFAR10_SAMPLE = join(REPO_ROOT, 'samples', 'cifar-10-sample');
export const FASHION_MNIST_SAMPLE = join(REPO_ROOT, 'samples', 'fashion-mnist-sample');

/** `TRAINKIT_EXAMPLES_OUT` (or --out-dir) is a parent folder: each program writes into its own sub-folder of it. */
const defaultOutRoot = () => process.env.TRAINKIT_EXAMPLES_OUT ?? fileURLToPath(new URL('../out/', import.meta.url));

export interface TutorialProgram {
  /** the file name without .ts, also the sub-folder of the output directory */
  name: string;
  /** which tutorial chapter it follows, for --help */
  description: string;
}

/**
 * Parses `process.argv` against `specs` plus `--out-dir`, creates the output directory and returns the values
 * (`outDir` absolute). Exits 0 after --help, 2 after a usage error, and 1 with a one-line message when the program
 * fails.
 */
export function tutorialOptions<const S extends FlagSpecs>(
  program: TutorialProgram,
  specs: S,
): FlagValues<S> & { outDir: string } {
  const all = {
    ...specs,
    outDir: {
      type: 'string',
      help: `where logs, images and checkpoints go (default: $TRAINKIT_EXAMPLES_OUT/${program.name}, else examples/out/${program.name})`,
    },
  } as const satisfies FlagSpecs;
  try {
    const parsed = parseFlags(process.argv.slice(2), all);
    if (parsed.help) {
      process.stdout.write(
        `${formatHelp(all, { program: `tsx examples/${program.name}.ts`, description: program.description })}\n`,
      );
      process.exit(0);
    }
    // a failure (a missing checkpoint, a file that does not load) is one line naming the program, exit 1
    process.on('uncaughtException', (err) => {
      process.stderr.write(`${program.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
    const outDir = resolve(parsed.values.outDir ?? join(defaultOutRoot(), program.name));
    mkdirSync(outDir, { recursive: true });
    return { ...(parsed.values as FlagValues<S>), outDir };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${program.name}: ${err.message}\n`);
    process.exit(2);
  }
}
