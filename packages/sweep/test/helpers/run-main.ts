import { captureOutput } from '../../../../tools/testing/capture-output.js';
import { main } from '../../src/main.js';
import type { Finished } from './processes.js';

/** `trainkit ARGS…` in this process (no start-up cost), its output captured. */
export async function runMain(...args: string[]): Promise<Finished> {
  const { result: code, out: stdout, err: stderr } = await captureOutput(() => main(args));
  return { code, stdout, stderr };
}
