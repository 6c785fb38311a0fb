import { vi } from 'vitest';
import { main } from '../../src/main.js';
import type { Finished } from './processes.js';

/** `trainkit ARGS…` in this process (no start-up cost), its output captured. */
export async function runMain(...args: string[]): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
