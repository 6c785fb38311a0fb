// The README lists every program once, and nothing that is not there.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('examples/README.md', () => {
  it('links each program in its table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const programs = readdirSync(new URL('..', import.meta.url)).filter(
      (f) => f.endsWith('.ts') && !f.includes('.config.'),
    );
    const listed = [...readme.matchAll(/^\| \[`([\w-]+\.ts)`\]\(\1\)/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(programs.sort());
  });
});
