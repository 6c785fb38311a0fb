import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { consumerEnv } from './install-alone.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

export interface CompileResult {
  mode: string;
  /** errors in the consumer or in a trainkit package's files: a failure */
  errors: string[];
  /** errors inside third-party declaration files, which a consumer's skipLibCheck would hide: reported only */
  thirdParty: string[];
}

/**
 * Compiles `source` (a consumer of one package) in `dir`, where that package is installed, with `tsc --strict` and
 * `skipLibCheck: false`, so that the packed .d.ts/.d.cts files are checked too: as ESM under
 * `moduleResolution: bundler`, and under `module/moduleResolution: nodenext` as ESM (esm.mts) and, when the package
 * ships CJS, as CJS (cjs.cts: its imports compile to require(), typed by the "require" condition). `nodeTypes` is a
 * node_modules/@types holding @types/node, kept out of the consumer so that it does not count in the install size.
 */
export function compileConsumer(dir: string, source: string, cjs: boolean, nodeTypes: string): CompileResult[] {
  copyFileSync(source, join(dir, 'esm.mts'));
  if (cjs) copyFileSync(source, join(dir, 'cjs.cts'));
  const base = {
    strict: true,
    target: 'ES2022',
    lib: ['ES2022'],
    types: ['node'],
    typeRoots: [nodeTypes],
    skipLibCheck: false,
    pretty: false,
  };
  const modes = [
    { mode: 'bundler', options: { module: 'ESNext', moduleResolution: 'Bundler', noEmit: true }, files: ['esm.mts'] },
    {
      mode: cjs ? 'nodenext ESM+CJS' : 'nodenext ESM',
      options: { module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out' },
      files: cjs ? ['esm.mts', 'cjs.cts'] : ['esm.mts'],
    },
  ];
  return modes.map(({ mode, options, files }) => {
    const config = join(dir, `tsconfig.${mode.split(' ')[0]}.json`);
    writeFileSync(config, `${JSON.stringify({ compilerOptions: { ...base, ...options }, files }, null, 2)}\n`);
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', config], { cwd: dir, env: consumerEnv(), encoding: 'utf8' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
    }
    // one diagnostic per line with --pretty false; indented lines continue the one above
    const diagnostics = output.split(/\n(?=\S)/).filter((d) => d.trim());
    // third party: another package's files, or @types/node's (outside dir); everything else, diagnostics without a
    // file included, is the consumer's or trainkit's
    const ours = (d: string) =>
      d.startsWith('node_modules/@trainkit/') || !(d.startsWith('node_modules/') || d.startsWith('../'));
    return { mode, errors: diagnostics.filter(ours), thirdParty: diagnostics.filter((d) => !ours(d)) };
  });
}

/** Runs the compiled consumers (out/esm.mjs, and out/cjs.cjs when compiled) with node; each prints `ok …` last. */
export function runConsumer(
  dir: string,
  cjs: boolean,
  env: Record<string, string> = {},
): { kind: string; line: string }[] {
  const kinds = cjs
    ? [
        ['ESM', 'out/esm.mjs'],
        ['CJS', 'out/cjs.cjs'],
      ]
    : [['ESM', 'out/esm.mjs']];
  return kinds.map(([kind, file]) => {
    let out: string;
    try {
      out = execFileSync(process.execPath, [file!], {
        cwd: dir,
        env: consumerEnv(env),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 300_000,
      });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`node ${file} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
    }
    const line = out.trim().split('\n').pop() ?? '';
    if (!line.startsWith('ok ')) throw new Error(`node ${file} did not end with "ok …":\n${out}`);
    return { kind: kind!, line: line.slice(3) };
  });
}
