import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORE_FORMAT, packageEntry } from '../src/backend/package-entry.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'trainkit-entry-')));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const app = join(tmp, 'app.js');

function fakePackage(name: string, manifest: object, files: string[]): string {
  const dir = join(tmp, 'node_modules', name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  for (const f of files) writeFileSync(join(dir, f), '');
  return dir;
}

describe('packageEntry: the build of a backend package core loads', () => {
  const dual = fakePackage(
    'dual-backend',
    {
      exports: {
        '.': {
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
        './package.json': './package.json',
      },
    },
    ['dist/index.js', 'dist/index.cjs'],
  );

  it('ESM core takes the "import" entry an ESM app imports, not the CJS build require finds', () => {
    expect(packageEntry('dual-backend', app, 'esm')).toBe(join(dual, 'dist/index.js'));
  });

  it('CJS core takes the "require" entry, as a CJS app does', () => {
    expect(packageEntry('dual-backend', app, 'cjs')).toBe(join(dual, 'dist/index.cjs'));
  });

  it('a package with one entry, or no exported package.json, keeps what require finds', () => {
    const plain = fakePackage('plain-backend', { main: './dist/main.cjs' }, ['dist/main.cjs']);
    expect(packageEntry('plain-backend', app, 'esm')).toBe(join(plain, 'dist/main.cjs'));
    const closed = fakePackage(
      'closed-backend',
      { exports: { '.': { import: './dist/index.js', require: './dist/index.cjs' } } },
      ['dist/index.js', 'dist/index.cjs'],
    );
    expect(packageEntry('closed-backend', app, 'esm')).toBe(join(closed, 'dist/index.cjs'));
  });

  it('throws where the package is not reachable, and core knows its own format', () => {
    expect(() => packageEntry('absent-backend', app, 'esm')).toThrow(/absent-backend/);
    expect(CORE_FORMAT).toBe('esm'); // tests run core's TypeScript source as ESM
  });
});
