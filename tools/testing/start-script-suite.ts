// The checks of an app's start script (`pnpm start -- …`), shared by apps/cifar-train and apps/mnist-train.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

export interface StartScriptApp {
  /** the app's directory (holding package.json and scripts/start.mjs) */
  dir: URL;
  /** the program name its errors start with */
  program: string;
  help: string;
  main(argv: readonly string[]): Promise<number>;
}

export function describeStartScript(app: StartScriptApp): void {
  const cwd = fileURLToPath(app.dir);
  const start = (...argv: string[]) =>
    spawnSync(process.execPath, ['--conditions=trainkit-source', 'scripts/start.mjs', ...argv], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, TRAINKIT_BACKEND: 'cpu' },
    });

  describe('the start script (pnpm start -- …)', () => {
    it('--help prints the help first and alone, exit 0', () => {
      // as pnpm passes it: `pnpm start -- --help` reaches the script as ['--', '--help']
      for (const argv of [['--', '--help'], ['-h']]) {
        const r = start(...argv);
        expect({ argv, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
          argv,
          status: 0,
          stdout: app.help,
          stderr: '',
        });
      }
    });

    it('a usage error is one line on stderr, with nothing about training before it (exit 2)', () => {
      const r = start('--epochs', '0');
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toBe(`${app.program}: --epochs: expected an integer ≥ 1, got "0"`);
    });

    it('--version prints the package version, exit 0, and the help lists it', async () => {
      const { version } = JSON.parse(readFileSync(new URL('package.json', app.dir), 'utf8')) as { version: string };
      let out = '';
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      try {
        expect(await app.main(['--version'])).toBe(0);
      } finally {
        stdout.mockRestore();
      }
      expect(out).toBe(`${version}\n`);
      expect(app.help).toMatch(/^ {2}--version +print the version and exit$/m);
    });
  });
}
