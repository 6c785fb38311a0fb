import { describeCliError } from './cli-errors.js';
import { exitOnClosedPipe } from './closed-pipe.js';
import { UsageError } from './flags.js';

export interface CliProgram<P extends { help: boolean; version?: boolean }> {
  /** the command's name, prefixed to every error message */
  name: string;
  /** the --help text */
  help: string;
  /** what --version prints (the package's version); without it --version is a usage error */
  version?: string;
  /** argv → parsed flags; throws UsageError */
  parse(argv: readonly string[]): P;
  /** does the work and returns the exit code */
  run(parsed: P): Promise<number>;
}

/**
 * The outer shell of a training CLI: parse the flags, print --help or --version, run, and turn errors into a message
 * on stderr and an exit code (2 for usage errors, 1 for failures) instead of an unhandled rejection. A reader that
 * closes the output early (`cifar-train --help | head -1`) ends the program quietly with exit code 0.
 */
export async function runCli<P extends { help: boolean; version?: boolean }>(
  program: CliProgram<P>,
  argv: readonly string[],
): Promise<number> {
  // Installed for good, not removed when run() returns: the EPIPE of the last lines arrives after it did.
  exitOnClosedPipe();
  try {
    const parsed = program.parse(argv);
    if (parsed.help) {
      process.stdout.write(program.help);
      return 0;
    }
    if (parsed.version) {
      if (program.version === undefined) throw new UsageError('unknown flag --version');
      process.stdout.write(`${program.version}\n`);
      return 0;
    }
    return await program.run(parsed);
  } catch (err) {
    const { message, exitCode } = describeCliError(err);
    process.stderr.write(`${program.name}: ${message}\n`);
    if (exitCode === 2) process.stderr.write(`Run ${program.name} --help for the flags.\n`);
    return exitCode;
  }
}
