// `pnpm start` on a fresh clone, offline: the app's start script, run as `pnpm start` runs it (package.json's
// `start` in apps/cifar-train, through sh), in a copy of the working tree that has no ../shared beside it, with every
// network call refused (offline-guard.cjs, preloaded through NODE_OPTIONS). It must train on the committed sample
// and write TensorBoard logs and checkpoints without trying the network; `--download` must try it (proving the
// guard in force) and explain what to do without it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { loadRun } from '@trainkit/tensorboard';
import { BEST_MODEL, epochCheckpointName, MANIFEST_FILE } from '@trainkit/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../../..');
const GUARD = resolve(__dirname, 'offline-guard.cjs');
const START_SCRIPT: string = JSON.parse(readFileSync(join(REPO, 'apps/cifar-train/package.json'), 'utf8')).scripts
  .start;

let tmp: string;
let clone: string;
let app: string;
let files: string[];

/** The files of the working tree that a clone of it would have: tracked, or new and not ignored (git's list). */
function cloneFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO })
    .toString('utf8')
    .split('\0')
    .filter((f) => f && existsSync(join(REPO, f)));
}

/**
 * The working tree as a fresh clone has it (what git tracks, plus new files it does not ignore), with the installed
 * node_modules linked in: each workspace package's own (pnpm's relative symlinks, which now point into the copy) and
 * the root's (the store of third-party packages).
 */
function copyWorkingTree(to: string, files: string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(REPO, file), join(to, file));
  }
  symlinkSync(join(REPO, 'node_modules'), join(to, 'node_modules'), 'dir');
  for (const group of ['packages', 'apps', 'tools']) {
    for (const name of readdirSync(join(to, group))) {
      const modules = join(REPO, group, name, 'node_modules');
      if (existsSync(modules))
        cpSync(modules, join(to, group, name, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    }
  }
}

interface StartRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the network calls the guard refused, one per line */
  refused: string[];
}

/** apps/cifar-train's `start` script with `args`, as pnpm runs it: through sh, in the package's directory. */
function start(args: string[], logName: string): Promise<StartRun> {
  const log = join(tmp, logName);
  const child = spawn('sh', ['-c', `${START_SCRIPT} "$@"`, 'sh', ...args], {
    cwd: app,
    env: {
      ...process.env,
      // replaces vitest's (which adds --conditions=trainkit-source): the script must stand on its own
      NODE_OPTIONS: `--require ${GUARD}`,
      TRAINKIT_OFFLINE_LOG: log,
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const refused = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      done({ code, stdout, stderr, refused });
    });
  });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cifar-start-offline-'));
  clone = join(tmp, 'trainkit');
  files = cloneFiles();
  copyWorkingTree(clone, files);
  app = join(clone, 'apps', 'cifar-train');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pnpm start on a fresh clone, offline, without ../shared', () => {
  it('the copy has the committed sample and nothing named shared beside it or above it', () => {
    expect(readdirSync(join(clone, 'samples', 'cifar-10-sample')).sort()).toEqual([
      'batches.meta.txt',
      'data_batch_1.bin',
      'test_batch.bin',
    ]);
    for (let dir = clone; dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dirname(dir), 'shared', 'data', 'cifar-10-sample')), dirname(dir)).toBe(false);
    }
    expect(existsSync(join(app, 'data'))).toBe(false);
  });

  it('no file of the clone points outside it for data or design notes; those notes are docs/design.md', () => {
    const outside = /\.\.\/shared\/|shared\/(?:DESIGN\.md|data\/)/;
    const offenders = files
      .filter((f) => /\.(?:[cm]?[jt]s|md|json|py|ya?ml)$/.test(f))
      .filter((f) => outside.test(readFileSync(join(clone, f), 'utf8')));
    expect(offenders).toEqual([]);
    expect(readFileSync(join(clone, 'docs', 'design.md'), 'utf8')).toContain(
      '# trainkit — architecture and code style',
    );
  });

  it('trains on the committed sample, says so, writes TensorBoard logs and checkpoints, and never tries the network', async () => {
    const run = await start(
      ['--epochs', '1', '--limit-train', '128', '--limit-test', '64', '--log-every', '1', '--no-progress'],
      'start.log',
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    expect(run.stderr).toContain('offline guard: active');
    expect(run.refused).toEqual([]);
    expect(run.stdout.split('\n')[0]).toBe(
      'pnpm start: no CIFAR-10 in apps/cifar-train/data, so training on the sample in samples/cifar-10-sample ' +
        '(1,600 of the 50,000 training and 1,000 of the 10,000 test images); for the full set: pnpm start -- --download (170 MB)',
    );

    const runs = join(app, 'runs', 'cifar-train');
    const names = readdirSync(runs);
    expect(names).toHaveLength(1);
    const runDir = join(runs, names[0]!);
    expect(readdirSync(runDir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    const events = await loadRun(runDir);
    expect(events.issues).toEqual([]);
    expect(events.scalars.train_loss?.map((p) => p.step)).toEqual([1, 2]);
    expect(events.scalars.test_accuracy?.map((p) => p.step)).toEqual([2]);
    for (const name of [epochCheckpointName(1), BEST_MODEL]) {
      expect(existsSync(join(runDir, 'checkpoints', name)), name).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(runDir, MANIFEST_FILE), 'utf8'));
    expect(manifest.status).toBe('completed');
    const sample = join(clone, 'samples', 'cifar-10-sample');
    expect(manifest.datasets.train).toContain(`from ${sample}: 1600 of 50000 images`);
    expect(manifest.datasets.test).toContain(`from ${sample}: 1000 of 10000 images`);
    expect(existsSync(join(app, 'data'))).toBe(false); // nothing was downloaded or prepared for a download
  });

  it('--download tries the network (refused here: the guard is in force) and says where to put the archive', async () => {
    const run = await start(['--download', '--epochs', '1', '--no-progress'], 'download.log');
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(
      'pnpm start: downloading the full CIFAR-10 (cifar-10-binary.tar.gz, 170 MB) into apps/cifar-train/data and training on it',
    );
    expect(run.refused).toEqual(['fetch https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz']);
    expect(run.stderr).toContain('cifar-10-binary.tar.gz (md5 c32a1d4ab5d03f1284b67883e8d87530)');
    expect(run.stderr).toContain(join(app, 'data'));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(app, 'data')).filter((f) => f.startsWith('cifar-10-binary'))).toEqual([]);
  });
});
