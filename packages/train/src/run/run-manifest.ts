import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, hostname } from 'node:os';
import { dirname } from 'node:path';
import { backendInfo, describeBackend, tf } from '@trainkit/core';
import { writeRunFile } from './run-files.js';

/** Where and with what a run ran: enough to reproduce it or to tell two runs apart. */
export interface RunEnvironment {
  /** name → version of the packages asked for, as installed (null when not resolvable) */
  packages: Record<string, string | null>;
  tfjs: string;
  backend: { name: string; requested: string; source: string; description: string } | null;
  /** HEAD of the git work tree the program runs from, with whether it has uncommitted changes; null outside git */
  git: { commit: string; dirty: boolean } | null;
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  hostname: string;
}

export interface RunEnvironmentOptions {
  /** package names whose versions to record, resolved from `from` (e.g. the program's `import.meta.url`) */
  packages?: readonly string[];
  /** a file or URL inside the program, where packages resolve from and git looks (default: the working directory) */
  from?: string | URL;
}

function packageVersion(require: NodeJS.Require, name: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: string };
    return pkg.version ?? null;
  } catch {
    return null;
  }
}

function gitState(cwd: string): RunEnvironment['git'] {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, encoding: 'utf8' }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    let dirty = false;
    try {
      dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;
    } catch {
      // a commit without a readable status is still worth recording
    }
    return { commit, dirty };
  } catch {
    return null;
  }
}

/** Collects versions, backend, git commit and machine facts for a run manifest; never throws for what is missing. */
export function runEnvironment(options: RunEnvironmentOptions = {}): RunEnvironment {
  const from = options.from === undefined ? `${process.cwd()}/` : options.from;
  const fromPath = from instanceof URL || from.startsWith('file:') ? new URL(from).pathname : from;
  const require = createRequire(from);
  const packages: Record<string, string | null> = {};
  for (const name of options.packages ?? []) packages[name] = packageVersion(require, name);
  const info = backendInfo();
  return {
    packages,
    tfjs: tf.version.tfjs ?? tf.version['tfjs-core'] ?? 'unknown',
    backend: info
      ? { name: info.name, requested: info.requested, source: info.source, description: describeBackend(info) }
      : null,
    git: gitState(fromPath.endsWith('/') ? fromPath : dirname(fromPath)),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    hostname: hostname(),
  };
}

/**
 * Writes a manifest as indented JSON, atomically (a local file or an s3:// object), so a crash mid-write leaves the
 * previous version.
 */
export async function writeRunManifest(path: string, manifest: unknown): Promise<void> {
  await writeRunFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The manifest's name in a run directory. */
export const MANIFEST_FILE = 'manifest.json';

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunManifestOptions extends RunEnvironmentOptions {
  /** the program, e.g. 'cifar-train' */
  app: string;
  /** the run's configuration (flags), recorded as given */
  config: object;
  seed?: number;
  /** what each dataset split was loaded from */
  datasets?: Record<string, string>;
}

/**
 * A run's `manifest.json`: how it was started (config, seed, command line), with what (package versions, tfjs and
 * its backend, git commit, machine) and how it went (status plus whatever the program adds: progress, results).
 * Rewritten atomically at each milestone, so a crashed run still tells how far it got.
 */
export class RunManifest {
  readonly #environment: RunEnvironment;
  readonly #options: RunManifestOptions;
  readonly #started = new Date().toISOString();

  constructor(
    readonly path: string,
    options: RunManifestOptions,
  ) {
    this.#options = options;
    this.#environment = runEnvironment(options);
  }

  async write(status: RunStatus, fields: Record<string, unknown> = {}): Promise<void> {
    const { app, config, seed, datasets } = this.#options;
    await writeRunManifest(this.path, {
      app,
      status,
      startedAt: this.#started,
      updatedAt: new Date().toISOString(),
      command: process.argv.slice(1),
      config,
      seed,
      ...this.#environment,
      datasets,
      ...fields,
    });
  }
}
