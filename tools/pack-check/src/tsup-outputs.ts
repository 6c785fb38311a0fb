import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

interface TsupOptions {
  entry?: string[] | Record<string, string>;
  format?: string | string[];
  dts?: boolean | object;
  outDir?: string;
  outExtension?: unknown;
  legacyOutput?: boolean;
}

/**
 * The files a package's build writes, derived from its tsup.config.ts with tsup's naming for a `"type": "module"`
 * package: format esm → `<name>.js`, cjs → `<name>.cjs`, and with dts `<name>.d.ts` / `<name>.d.cts`, under `dist/`.
 * A config this does not model (another outDir, outExtension, legacyOutput) is an error rather than a guess.
 */
export async function tsupOutputs(packageDir: string): Promise<Set<string>> {
  const file = join(packageDir, 'tsup.config.ts');
  if (!existsSync(file)) throw new Error(`${file}: no tsup config`);
  const loaded = (await import(pathToFileURL(file).href)) as { default: TsupOptions | TsupOptions[] };
  const configs = Array.isArray(loaded.default) ? loaded.default : [loaded.default];
  const outputs = new Set<string>();
  for (const config of configs) {
    for (const unsupported of ['outExtension', 'legacyOutput'] as const) {
      if (config[unsupported]) throw new Error(`${file}: tsupOutputs does not model ${unsupported}`);
    }
    const outDir = config.outDir ?? 'dist';
    if (outDir !== 'dist') throw new Error(`${file}: tsupOutputs models outDir 'dist' only, got '${outDir}'`);
    const formats = [config.format ?? 'cjs'].flat();
    for (const name of entryNames(config.entry ?? [])) {
      for (const format of formats) {
        if (format !== 'esm' && format !== 'cjs') throw new Error(`${file}: format ${format} is not modelled`);
        const ext = format === 'esm' ? 'js' : 'cjs';
        outputs.add(`dist/${name}.${ext}`);
        if (config.dts) outputs.add(`dist/${name}.d.${format === 'esm' ? 'ts' : 'cts'}`);
      }
    }
  }
  return outputs;
}

/** Output names: an entry object's keys, or each entry path relative to the entries' common directory. */
function entryNames(entry: string[] | Record<string, string>): string[] {
  if (!Array.isArray(entry)) return Object.keys(entry);
  const dirs = entry.map((e) => dirname(e));
  let common = dirs[0] ?? '.';
  while (!dirs.every((d) => d === common || d.startsWith(`${common}/`))) common = dirname(common);
  return entry.map((e) => join(relative(common, dirname(e)), basename(e, extname(e))));
}
