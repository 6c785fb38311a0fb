import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HELP } from '../src/config.js';
import { main } from '../src/main.js';

const APP = resolve(__dirname, '..');
const start = (...argv: string[]) =>
  spawnSync(process.execPath, ['--conditions=trainkit-source', 'scripts/start.mjs', ...argv], {
    cwd: APP,
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
        stdout: HELP,
        stderr: '',
      });
    }
  });

  it('a usage error is one line on stderr, with nothing about training before it (exit 2)', () => {
    const r = start('--epochs', '0');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(/^cifar-train: --epochs: expected an integer ≥ 1, got "0"$/);
  });

  it('--version prints the package version, exit 0, and the help lists it', async () => {
    const { version } = JSON.parse(readFileSync(resolve(APP, 'package.json'), 'utf8')) as { version: string };
    let out = '';
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    try {
      expect(await main(['--version'])).toBe(0);
    } finally {
      stdout.mockRestore();
    }
    expect(out).toBe(`${version}\n`);
    expect(HELP).toMatch(/^ {2}--version +print the version and exit$/m);
  });
});
