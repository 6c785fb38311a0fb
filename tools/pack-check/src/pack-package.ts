import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Manifest } from './manifest.js';

export interface PackedPackage {
  tarball: string;
  /** bytes */
  size: number;
  /** the package.json inside the tarball, as a consumer's package manager reads it */
  manifest: Manifest;
  /** the tarball's files, relative to the package root */
  files: string[];
}

/**
 * `pnpm pack` of one package into `dest`: pnpm, unlike npm, rewrites `workspace:` ranges into real ones (and applies
 * publishConfig) in the packed package.json, which is what `pnpm publish` and `changeset publish` upload.
 */
export function packPackage(dir: string, dest: string): PackedPackage {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', dest, '--json'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { filename } = JSON.parse(out.slice(out.indexOf('{'))) as { filename: string };
  const tarball = isAbsolute(filename) ? filename : join(dest, filename);
  const tar = (...args: string[]) =>
    execFileSync('tar', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  const files = tar('-tzf', tarball)
    .split('\n')
    .filter((l) => l && !l.endsWith('/'))
    .map((l) => l.replace(/^package\//, ''));
  const manifest = JSON.parse(tar('-xzOf', tarball, 'package/package.json')) as Manifest;
  return { tarball, size: statSync(tarball).size, manifest, files };
}
