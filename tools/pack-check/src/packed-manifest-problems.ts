import { type Manifest, manifestTargets, RUNTIME_DEPENDENCY_FIELDS } from './manifest.js';
import { SOURCE_CONDITION } from './manifest-problems.js';

/**
 * What is wrong with a packed package.json: any `workspace:` left (a registry cannot resolve it), or a trainkit
 * dependency whose range is not the one its `workspace:` form stands for (`workspace:^` → `^<version>`).
 * `source` is the workspace manifest and `versions` the workspace packages' versions.
 */
export function packedManifestProblems(packed: Manifest, source: Manifest, versions: Map<string, string>): string[] {
  const problems: string[] = [];
  const name = packed.name;
  if (JSON.stringify(packed).includes('workspace:'))
    problems.push(`${name}: the packed package.json still says workspace:`);
  for (const field of [...RUNTIME_DEPENDENCY_FIELDS, 'devDependencies'] as const) {
    for (const [dep, spec] of Object.entries(source[field] ?? {})) {
      if (!spec.startsWith('workspace:')) continue;
      const version = versions.get(dep);
      const kind = spec.slice('workspace:'.length);
      const wanted = kind === '^' || kind === '~' ? `${kind}${version}` : kind === '*' ? version : kind;
      const got = packed[field]?.[dep];
      if (got !== wanted)
        problems.push(`${name}: ${field}.${dep} is ${got} in the tarball, expected ${wanted} (${spec})`);
    }
  }
  return problems;
}

/** The files the packed manifest points at that are not in the tarball (run after a build). */
export function missingPackedFiles(packed: Manifest, files: readonly string[]): string[] {
  const have = new Set(files);
  return manifestTargets(packed)
    .filter((t) => !t.conditions.includes(SOURCE_CONDITION) && !have.has(t.path))
    .map((t) => `${packed.name}: ${t.where} → ${t.path} is not in the tarball`);
}
