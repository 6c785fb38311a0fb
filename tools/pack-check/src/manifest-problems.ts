import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ExportsField, type Manifest, manifestTargets, RUNTIME_DEPENDENCY_FIELDS } from './manifest.js';

/** The condition under which the workspace resolves a package to its TypeScript source; never used once published. */
export const SOURCE_CONDITION = 'trainkit-source';

export interface ManifestContext {
  /** the package directory, to check that `files` and source targets exist */
  dir: string;
  /** what the build writes (tsupOutputs), relative to the package directory */
  emitted: Set<string>;
  /** the names of the workspace's private packages, which a published package must not need */
  privateNames: Set<string>;
}

/**
 * What is wrong with a publishable package's manifest, one sentence per problem (none: publishable). Checked: public
 * access, `files`, every target of `exports`/`main`/`module`/`types`/`bin` being a file the build emits (or a source
 * file, under the workspace-only condition), `types` first and ESM/CJS types matching their code, and no runtime
 * dependency on a private workspace package.
 */
export function manifestProblems(manifest: Manifest, { dir, emitted, privateNames }: ManifestContext): string[] {
  const problems: string[] = [];
  const name = manifest.name;
  if (manifest.private) problems.push(`${name}: is private`);
  if (manifest.publishConfig?.access !== 'public') {
    problems.push(
      `${name}: publishConfig.access should be "public" (a scoped package is published restricted otherwise)`,
    );
  }
  const files = manifest.files ?? [];
  if (!files.includes('dist')) problems.push(`${name}: "files" should list "dist" (the build)`);
  for (const f of files) {
    if (f !== 'dist' && !existsSync(join(dir, f))) problems.push(`${name}: "files" lists ${f}, which does not exist`);
  }
  const packed = (path: string) => path === 'package.json' || files.some((f) => path === f || path.startsWith(`${f}/`));
  for (const target of manifestTargets(manifest)) {
    const at = `${name}: ${target.where} → ${target.path}`;
    if (target.conditions.includes(SOURCE_CONDITION)) {
      if (!existsSync(join(dir, target.path))) problems.push(`${at} does not exist`);
    } else if (target.path.startsWith('dist/')) {
      if (!emitted.has(target.path)) problems.push(`${at} is not emitted by tsup.config.ts`);
    } else if (!existsSync(join(dir, target.path))) {
      problems.push(`${at} does not exist`);
    }
    if (!packed(target.path)) problems.push(`${at} is not in "files", so not in the tarball`);
    // code and types under import/require must be of that module kind, or TypeScript and Node disagree about it
    const kinds = { import: ['.d.ts', '.js'], require: ['.d.cts', '.cjs'] };
    for (const [condition, endings] of Object.entries(kinds)) {
      if (target.conditions.includes(condition) && !endings.some((e) => target.path.endsWith(e))) {
        problems.push(`${at}: under "${condition}" expected a ${endings.join(' or ')} file`);
      }
    }
  }
  if (manifest.exports !== undefined) checkTypesFirst(manifest.exports, 'exports', name, problems);
  for (const field of RUNTIME_DEPENDENCY_FIELDS) {
    for (const dep of Object.keys(manifest[field] ?? {})) {
      if (privateNames.has(dep))
        problems.push(`${name}: ${field} names ${dep}, a private package that is never published`);
    }
  }
  return problems;
}

/** TypeScript reads the first matching condition: a `types` after `default` or `import` is never seen. */
function checkTypesFirst(node: ExportsField, where: string, name: string, problems: string[]): void {
  if (typeof node === 'string') return;
  const keys = Object.keys(node).filter((k) => k !== SOURCE_CONDITION);
  if (keys.includes('types') && keys[0] !== 'types') problems.push(`${name}: ${where}: "types" should come first`);
  for (const [key, child] of Object.entries(node))
    checkTypesFirst(child, `${where}[${JSON.stringify(key)}]`, name, problems);
}
