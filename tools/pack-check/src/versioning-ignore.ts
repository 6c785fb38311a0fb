import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace-packages.js';

/** The packages pnpm-workspace.yaml's `versioning.ignore` keeps out of releases (its `- 'name'` lines). */
export function versioningIgnore(): string[] {
  const yaml = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const block = yaml.match(/^versioning:\n((?:[ \t]+.*\n?)*)/m)?.[1] ?? '';
  const ignore = block.match(/^([ \t]+)ignore:\n((?:\1[ \t]+-.*\n?)*)/m)?.[2] ?? '';
  return [...ignore.matchAll(/-\s+['"]?([^'"\s]+)['"]?/g)].map((m) => m[1]!);
}
