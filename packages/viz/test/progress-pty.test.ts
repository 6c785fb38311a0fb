import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderTerminal } from './helpers/fake-stream.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

// A real pseudo-terminal from util-linux `script`: process.stderr.isTTY is true in the child, as in a shell.
describe.skipIf(!hasScript)('progress under a real pseudo-terminal', () => {
  it('detects the terminal, redraws nested bars in place and prints write() messages above them', () => {
    const out = execFileSync(
      'script',
      ['-qfec', 'stty cols 72 rows 30; node --import tsx test/fixtures/pty-bars.ts', '/dev/null'],
      { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 },
    );
    // the terminal driver turns each \n into \r\n (onlcr)
    const text = out.replace(/\r\n/g, '\n');
    expect(text).toContain('\x1b[A');
    expect(text).toMatch(/\rbatch: {2}33%\|/);
    const screen = renderTerminal(text).filter((l) => l !== '');
    expect(screen[0]).toBe('isTTY=true columns=72');
    expect(screen[1]).toBe('epoch 0 done');
    expect(screen[2]).toBe('epoch 1 done');
    expect(screen[3]).toMatch(/^epoch: 100%\|█+\| 2\/2 \[\d\d:\d\d<00:00, +[\d.]+(it\/s|s\/it)\]$/);
    expect(screen[3]).toHaveLength(72);
    expect(screen).toHaveLength(4);
  });
});
