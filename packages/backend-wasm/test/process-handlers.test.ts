import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/** A program that uses the wasm backend and then fails, run as a user runs it (from source, through tsx). */
function failingProgram(failure: string) {
  const code = `import { useBackend } from '@trainkit/core'; await import('@trainkit/backend-wasm'); await useBackend('wasm'); ${failure}`;
  return spawnSync(
    process.execPath,
    ['--conditions=trainkit-source', '--import', 'tsx', '--input-type=module', '-e', code],
    {
      cwd: PACKAGE,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe("a program's uncaught errors on the wasm backend", () => {
  it('an uncaught exception prints the error and its stack, under 2 KB, and exits 1 (not tfjs-backend-wasm’s 55 KB, exit 7)', () => {
    const run = failingProgram("throw new Error('boom from user code');");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Error: boom from user code');
    expect(run.stderr).toMatch(/\n\s+at /);
    expect(run.stderr.length).toBeLessThan(2048);
  });

  it('an unhandled rejection does the same', () => {
    const run = failingProgram("Promise.reject(new Error('rejected in user code'));");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('rejected in user code');
    expect(run.stderr.length).toBeLessThan(2048);
  });
});
