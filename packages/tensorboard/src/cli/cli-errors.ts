/**
 * The errors trainkit-tb explains in one line, with the exit codes trainkit's programs share (the training apps'
 * conventions, not their code: this package depends on no other trainkit package): 2 for a mistake in how the
 * command was called, 1 for a failure the message fully explains (no stack trace).
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    /** print the whole usage text after the message (no command, an unknown command) */
    readonly showUsage = false,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure fully explained by its message: no such run, no such tag, an unwritable --out. Exit code 1. */
export class CliError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Names for a message, at most `max` of them, e.g. "a, b, c and 4 more". */
export function listNames(names: readonly string[], max = 12): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
