/** The fields of a package.json that publishing and pack-check look at. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  publishConfig?: { access?: string };
  files?: string[];
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: ExportsField;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export type ExportsField = string | { [key: string]: ExportsField };

/** The dependency fields a consumer's install reads (devDependencies are not installed with a package). */
export const RUNTIME_DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** A file the manifest points at, and where: `exports["."].import.types`, `main`, `bin.trainkit-tb`. */
export interface ManifestTarget {
  where: string;
  /** the export conditions on the way to it (empty outside `exports`) */
  conditions: string[];
  /** relative to the package root, without a leading `./` */
  path: string;
}

/** Every file `exports`, `main`, `module`, `types` and `bin` point at. */
export function manifestTargets(manifest: Manifest): ManifestTarget[] {
  const targets: ManifestTarget[] = [];
  const clean = (p: string) => p.replace(/^\.\//, '');
  const walk = (node: ExportsField, where: string, conditions: string[]) => {
    if (typeof node === 'string') {
      targets.push({ where, conditions, path: clean(node) });
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      walk(child, `${where}[${JSON.stringify(key)}]`, key.startsWith('.') ? conditions : [...conditions, key]);
    }
  };
  if (manifest.exports !== undefined) walk(manifest.exports, 'exports', []);
  for (const field of ['main', 'module', 'types'] as const) {
    const value = manifest[field];
    if (value) targets.push({ where: field, conditions: [], path: clean(value) });
  }
  const bin = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {});
  for (const [name, path] of Object.entries(bin))
    targets.push({ where: `bin.${name}`, conditions: [], path: clean(path) });
  return targets;
}
