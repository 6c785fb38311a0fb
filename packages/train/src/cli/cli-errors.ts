import { SafetensorsError } from '@trainkit/core';
import { DataFileError, DatasetNotFoundError, DownloadError } from '@trainkit/data';
import { UsageError } from './flags.js';

/**
 * An expected failure of a command-line program, fully explained by its message (a missing checkpoint, a
 * backend that is not installed): the program prints the message, without a stack trace, and exits with
 * `exitCode` (default 1).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

// Errors of trainkit's packages whose messages say what went wrong and what to do: a stack trace would only bury
// the message.
const EXPLAINED = [DatasetNotFoundError, DataFileError, DownloadError, SafetensorsError];

/**
 * What a CLI should print for an error and the exit code to return: usage errors exit 2, expected failures 1 with
 * their message alone; anything else (a bug) 1 with its stack trace.
 */
export function describeCliError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof UsageError || err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof Error)
    return {
      message: EXPLAINED.some((kind) => err instanceof kind) ? err.message : (err.stack ?? err.message),
      exitCode: 1,
    };
  return { message: String(err), exitCode: 1 };
}

/**
 * Runs `fn`; a failure becomes a CliError saying which flag or file it concerns, e.g.
 * `--resume runs/x/epoch_3.safetensors: no such file`. A message that already starts with `subject` is not
 * repeated, and a missing file is said in words.
 */
export async function explainFailure<T>(flag: string, subject: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError || err instanceof UsageError) throw err;
    const e = err as NodeJS.ErrnoException;
    let message =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EISDIR'
          ? 'is a directory, expected a file'
          : String(e.message ?? err);
    for (const prefix of [`${subject}: `, `${subject} `])
      if (message.startsWith(prefix)) message = message.slice(prefix.length);
    throw new CliError(`${flag} ${subject}: ${message}`);
  }
}
