import { vi } from 'vitest';

/** What a command run in-process returned and wrote. */
export interface Captured<T> {
  result: T;
  out: string;
  err: string;
}

/**
 * Runs `fn` with process.stdout and process.stderr captured instead of printed (console.log goes through them too):
 * how the tests run a CLI's main() in the test's own process, without a child process's start-up.
 */
export async function captureOutput<T>(fn: () => Promise<T> | T): Promise<Captured<T>> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    const result = await fn();
    return { result, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
