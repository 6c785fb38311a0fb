// One vitest suite per package that owns README examples: the README shows each example file verbatim, every
// example type-checks with tsc --strict (resolving @trainkit/* to source), and each one runs as a user runs it
// (node + tsx, source conditions) in a fresh temporary directory, offline, on the cpu backend by default.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkReadmeExamples, readmeBlocks } from './readme-blocks.js';

const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx/esm')).href;
const TSC = require.resolve('typescript/bin/tsc');
const NO_NETWORK = new URL('./no-network.mjs', import.meta.url).href;

export interface ExampleRun {
  /** the temporary working directory the example ran in (removed after `check`) */
  cwd: string;
  stdout: string;
  stderr: string;
}

export interface ExampleCase {
  /** writes what the example reads into its working directory (a generated dataset) */
  setup?(cwd: string): void | Promise<void>;
  /** checks what the run printed and wrote */
  check?(run: ExampleRun): void | Promise<void>;
  /** extra environment; TRAINKIT_BACKEND defaults to cpu */
  env?: Record<string, string>;
  /** per-run limit (default 120 s) */
  timeoutMs?: number;
}

/** how a child process ended, with everything it printed */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ...args`, collecting its output; SIGKILLs it after timeoutMs. */
export function run(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `describe`s a package's README examples; `cases` has one entry per file in `examples/` (by file name). */
export function describeReadmeExamples(packageUrl: string | URL, cases: Record<string, ExampleCase>): void {
  const dir = fileURLToPath(new URL('.', packageUrl));
  const readme = join(dir, 'README.md');
  const examplesDir = join(dir, 'examples');
  const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;

  describe(`${name} README examples`, () => {
    it('README.md shows every example file verbatim, and has no other ts block', () => {
      expect(checkReadmeExamples(readme)).toEqual([]);
      const shown = readmeBlocks(readme)
        .flatMap((b) => (b.file ? [b.file] : []))
        .sort();
      const files = readdirSync(examplesDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `examples/${f}`)
        .sort();
      expect(shown).toEqual(files);
      expect(Object.keys(cases).sort()).toEqual(files.map((f) => f.slice('examples/'.length)));
    });

    it('the examples type-check (tsc --strict, @trainkit/* from source)', async () => {
      const tsc = await run([TSC, '-p', join(examplesDir, 'tsconfig.json'), '--pretty', 'false'], {
        cwd: dir,
        env: process.env,
        timeoutMs: 180_000,
      });
      expect(tsc.stdout + tsc.stderr, 'tsc output').toBe('');
      expect(tsc.code).toBe(0);
    }, 200_000);

    for (const [file, example] of Object.entries(cases)) {
      const timeoutMs = example.timeoutMs ?? 120_000;
      it(
        `examples/${file} runs`,
        async () => {
          const cwd = mkdtempSync(join(tmpdir(), 'trainkit-example-'));
          try {
            await example.setup?.(cwd);
            const exit = await run(
              ['--conditions=trainkit-source', '--import', TSX, '--import', NO_NETWORK, join(examplesDir, file)],
              { cwd, env: { ...process.env, TRAINKIT_BACKEND: 'cpu', ...example.env }, timeoutMs },
            );
            expect(exit.signal, `killed after ${timeoutMs} ms\n${exit.stderr}`).toBeNull();
            expect(exit.code, `exit code; stderr:\n${exit.stderr}`).toBe(0);
            await example.check?.({ cwd, stdout: exit.stdout, stderr: exit.stderr });
          } finally {
            rmSync(cwd, { recursive: true, force: true });
          }
        },
        timeoutMs + 30_000,
      );
    }
  });
}
