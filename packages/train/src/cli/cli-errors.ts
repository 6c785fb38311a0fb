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
  if (err instanceof Error) {
    const code = systemErrorCode(err);
    if (code !== undefined) return { message: `${err.message}${SYSTEM_HINTS[code] ?? ''}`, exitCode: 1 };
    return {
      message: EXPLAINED.some((kind) => err instanceof kind) ? err.message : (err.stack ?? err.message),
      exitCode: 1,
    };
  }
  return { message: String(err), exitCode: 1 };
}

// What the user can do about the system errors a training run meets on its files.
const SYSTEM_HINTS: Record<string, string> = {
  ENOSPC:
    ' (the disk is full: free space, or point --log-dir/--checkpoint-dir elsewhere, and --resume from the last checkpoint)',
  EDQUOT: ' (the disk quota is used up: free space, or point --log-dir/--checkpoint-dir elsewhere)',
  EACCES: ' (no permission: choose a directory you can write to)',
  EPERM: ' (not permitted: choose a directory you can write to)',
  EROFS: ' (a read-only file system: choose a directory you can write to)',
  ENOTDIR: ' (a part of the path is a file, not a directory)',
};

/**
 * The code of an operating-system error (ENOSPC, EACCES …), on the error or its cause: Node's messages for those
 * name the operation and the file, so they explain themselves and need no stack trace.
 */
function systemErrorCode(err: Error): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code, syscall } = e as NodeJS.ErrnoException;
    if (typeof code === 'string' && typeof syscall === 'string') return code;
  }
  return undefined;
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
