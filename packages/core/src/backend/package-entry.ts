import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

/** The module format core itself runs as: its CJS build's (shimmed) import.meta.url names dist/index.cjs. */
export const CORE_FORMAT: 'esm' | 'cjs' = import.meta.url.endsWith('.cjs') ? 'cjs' : 'esm';

/**
 * The file to import for package `pkg` as seen from `base`, in the module format `format`. Found through require's
 * resolution, which (unlike import.meta.resolve on Node 20) takes a base; when that lands on the package's "require"
 * entry and ESM is wanted, its "import" entry instead. Otherwise ESM core would load a backend package's CJS build
 * beside the ESM one an app imported: two copies of its module state (its kernelCounts read 0 in the app) and,
 * under it, a second core.
 */
export function packageEntry(pkg: string, base: string, format: 'esm' | 'cjs' = CORE_FORMAT): string {
  const require = createRequire(base);
  const entry = require.resolve(pkg);
  if (format === 'cjs') return entry;
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${pkg}/package.json`);
  } catch {
    return entry; // "./package.json" not exported: keep what require found
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: unknown };
  const exports = manifest.exports as Record<string, unknown> | undefined;
  const root = exports && typeof exports === 'object' ? (exports['.'] ?? exports) : undefined;
  const target = (node: unknown): string | undefined =>
    typeof node === 'string'
      ? node
      : node && typeof node === 'object'
        ? target((node as Record<string, unknown>).default)
        : undefined;
  const conditions = root && typeof root === 'object' ? (root as Record<string, unknown>) : {};
  const [cjs, esm] = [target(conditions.require), target(conditions.import)];
  const dir = dirname(manifestPath);
  return cjs && esm && resolve(dir, cjs) === entry ? resolve(dir, esm) : entry;
}
