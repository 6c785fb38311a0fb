import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from './manifest.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface WorkspacePackage {
  /** absolute path of the package directory */
  dir: string;
  /** relative to the repo root, e.g. packages/data */
  path: string;
  manifest: Manifest;
}

/** The workspace's packages, from the `dir/*` globs of pnpm-workspace.yaml. */
export function workspacePackages(): WorkspacePackage[] {
  const yaml = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const section = yaml.split(/^packages:\s*$/m)[1]?.split(/^\S/m)[0] ?? '';
  // entries are either a group of packages ("- packages/*") or one package's directory ("- examples")
  const entries = [...section.matchAll(/^\s+-\s+['"]?([^'"\s]+)['"]?\s*$/gm)].map((m) => m[1]!);
  if (entries.length === 0)
    throw new Error('pnpm-workspace.yaml: expected "packages:" with entries like "- packages/*"');
  const dirs = entries.flatMap((entry) =>
    entry.endsWith('/*')
      ? readdirSync(join(repoRoot, entry.slice(0, -2)))
          .sort()
          .map((name) => `${entry.slice(0, -2)}/${name}`)
      : [entry],
  );
  return dirs
    .filter((path) => existsSync(join(repoRoot, path, 'package.json')))
    .map((path) => {
      const dir = join(repoRoot, path);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      return { dir, path, manifest };
    });
}

/** The packages that are published to npm: every workspace package that is not private. */
export function publishablePackages(all = workspacePackages()): WorkspacePackage[] {
  return all.filter((p) => !p.manifest.private);
}

/** The trainkit packages `name` needs at run time, transitively (not itself), in dependency order. */
export function trainkitDependencyClosure(name: string, all = workspacePackages()): string[] {
  const byName = new Map(all.map((p) => [p.manifest.name, p.manifest]));
  const seen: string[] = [];
  const visit = (n: string) => {
    const m = byName.get(n);
    if (!m) throw new Error(`${n} is not a workspace package`);
    for (const dep of Object.keys({ ...m.dependencies, ...m.optionalDependencies })) {
      if (byName.has(dep) && !seen.includes(dep)) {
        visit(dep);
        seen.push(dep);
      }
    }
  };
  visit(name);
  return seen;
}
