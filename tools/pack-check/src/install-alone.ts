import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AloneInstall {
  dir: string;
  /** npm's output, with the packages' install scripts (run in the foreground) */
  log: string;
}

/** The environment a consumer's commands run in: none of the workspace's settings leak into it. */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  // --conditions=trainkit-source (set for the workspace's tests) would send Node to the packages' TypeScript source;
  // the others would skip the native build or pick a backend for the consumer.
  for (const key of ['NODE_OPTIONS', 'TRAINKIT_SKIP_NATIVE_BUILD', 'TRAINKIT_BACKEND', 'TRAINKIT_DISABLE_NATIVE']) {
    if (!(key in extra)) delete env[key];
  }
  // pnpm exports its own settings as npm_config_* to the scripts it runs; the consumer's npm keeps only the
  // network ones (a registry mirror, a proxy) and reads the rest from its own defaults and ~/.npmrc.
  const network = /^npm_config_(registry|(https_)?proxy|noproxy|cafile|strict_ssl|cache)$/i;
  for (const key of Object.keys(env)) {
    if ((/^npm_/i.test(key) && !network.test(key)) || key.startsWith('PNPM_')) delete env[key];
  }
  return env;
}

/**
 * A fresh project under `parent` (outside the repo) that depends on one trainkit package, installed with npm from
 * its tarball: its trainkit dependencies come from their tarballs too (npm `overrides` with `file:` specs, so nothing
 * named @trainkit is looked up on the registry), third-party ones from the registry, and install scripts run.
 */
export function installAlone(
  parent: string,
  pkg: { name: string; tarball: string },
  trainkitTarballs: Map<string, string>,
  env: Record<string, string> = {},
): AloneInstall {
  const dir = mkdtempSync(join(parent, `${pkg.name.replace(/^@trainkit\//, '')}-`));
  const overrides = Object.fromEntries([...trainkitTarballs].map(([name, tgz]) => [name, `file:${tgz}`]));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'trainkit-consumer',
        private: true,
        type: 'module',
        dependencies: { [pkg.name]: `file:${pkg.tarball}` },
        overrides,
      },
      null,
      2,
    )}\n`,
  );
  const log = npm(dir, ['install', '--no-audit', '--no-fund', '--foreground-scripts'], env);
  return { dir, log };
}

export function npm(dir: string, args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync('npm', args, {
      cwd: dir,
      env: consumerEnv(env),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} failed in ${dir}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

/** The @trainkit packages in a project's node_modules, with where npm took each from (its lockfile's `resolved`). */
export function installedTrainkit(dir: string): Map<string, string> {
  const scope = join(dir, 'node_modules', '@trainkit');
  const lock = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8')) as {
    packages: Record<string, { resolved?: string }>;
  };
  const installed = new Map<string, string>();
  if (!existsSync(scope)) return installed;
  for (const name of readdirSync(scope)) {
    installed.set(`@trainkit/${name}`, lock.packages[`node_modules/@trainkit/${name}`]?.resolved ?? '(unknown)');
  }
  // a copy nested under another package would be a second, registry-resolved version
  for (const key of Object.keys(lock.packages)) {
    const nested = key.match(/.+\/node_modules\/(@trainkit\/[^/]+)$/);
    if (nested) installed.set(`${nested[1]} (nested at ${key})`, lock.packages[key]?.resolved ?? '(unknown)');
  }
  return installed;
}
