// Runs one tutorial program as a reader runs it (node + tsx, @trainkit/* from source), offline: every fetch fails.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeImage, type ImageArray } from '@trainkit/data';
import { expect } from 'vitest';
import { type Exit, run } from '../../tools/examples/example-suite.js';

const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx/esm')).href;
const NO_NETWORK = new URL('../../tools/examples/no-network.mjs', import.meta.url).href;
const EXAMPLES = fileURLToPath(new URL('..', import.meta.url));

/** a fresh folder for TRAINKIT_EXAMPLES_OUT: each program writes into its own sub-folder of it */
export const makeOutRoot = (): string => mkdtempSync(join(tmpdir(), 'trainkit-tutorials-'));

/** Runs examples/<name>.ts with `args`; expects exit 0 unless `expectCode` says otherwise. */
export async function runTutorial(
  name: string,
  args: string[],
  { outRoot, timeoutMs = 120_000, expectCode = 0 }: { outRoot: string; timeoutMs?: number; expectCode?: number },
): Promise<Exit & { outDir: string }> {
  const exit = await run(
    ['--conditions=trainkit-source', '--import', TSX, '--import', NO_NETWORK, join(EXAMPLES, `${name}.ts`), ...args],
    { cwd: outRoot, env: { ...process.env, TRAINKIT_EXAMPLES_OUT: outRoot }, timeoutMs },
  );
  expect(exit.signal, `${name} killed after ${timeoutMs} ms\n${exit.stderr}`).toBeNull();
  expect(exit.code, `${name} exit code; stderr:\n${exit.stderr}`).toBe(expectCode);
  return { ...exit, outDir: join(outRoot, name) };
}

/** The numbers after `label` on its line of `stdout` (e.g. `epoch 3, loss 0.000052`). */
export function numbersAfter(stdout: string, label: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith(label));
  expect(line, `a line starting with "${label}" in:\n${stdout}`).toBeDefined();
  return [...line!.slice(label.length).matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)].map((m) => Number(m[0]));
}

/** Decodes a PNG the program wrote (throws if it is not one) and checks its size. */
export function png(path: string, size?: { width: number; height: number }): ImageArray {
  const image = decodeImage(readFileSync(path), path);
  if (size) expect({ width: image.width, height: image.height }).toEqual(size);
  expect(image.width * image.height).toBeGreaterThan(0);
  return image;
}
