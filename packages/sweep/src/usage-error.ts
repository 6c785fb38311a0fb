/**
 * The errors `trainkit` explains in one line, with the exit codes trainkit's programs share (their conventions, not
 * their code: of trainkit this package imports only tensorboard's storage, so that `trainkit worker` starts without
 * loading tfjs or the training CLI):
 * 2 for a mistake in how the command was called, 1 for a failure the message fully explains (no stack trace).
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure fully explained by its message: no such sweep, Redis not reachable. Exit code 1. */
export class CliError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
