import { existsSync, type FSWatcher, mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { useBackend } from '@trainkit/core';
import { loadRun } from '@trainkit/tensorboard';
import { epochCheckpointName } from '@trainkit/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import { type CliProcess, checkRunFiles, SAMPLE, spawnCli, waitUntil } from './cli-process.js';

// kill -9 at 20 moments of a cifar-train run on the committed sample, drawn from a seeded generator
// (TRAINKIT_FAULT_SEED, default 1) among four kinds: during startup, in the middle of epoch 2, while a checkpoint is
// being written (the moment its temporary file appears) and while the event file is being written (at the Nth write
// to it). Nothing inside the program is instrumented: the test watches the run's files (inotify) to time its kills.
// After each: every event file reads to its end with its CRCs right, every step up to the last checkpoint is in it,
// every checkpoint under a final name loads, and --resume from the last one completes the run with each step logged
// exactly once. `pnpm test:faults` runs it (about 4 minutes on two cores); the README gives the count.

const TRIALS = 20;
const KINDS = ['startup', 'mid-epoch', 'checkpoint write', 'event write'] as const;
type Kind = (typeof KINDS)[number];

const root = mkdtempSync(join(tmpdir(), 'cifar-kill-'));
const logs = join(root, 'runs');
// 320 images in batches of 32: 10 steps an epoch, 2 epochs
const args = [
  ...['--data-dir', SAMPLE, '--limit-train', '320', '--limit-test', '64', '--batch-size', '32', '--epochs', '2'],
  ...['--momentum', '0.9', '--log-every', '1', '--log-dir', logs, '--no-progress', '--no-download'],
];
const STEPS = 20;

let seed = Number(process.env.TRAINKIT_FAULT_SEED ?? 1) >>> 0;
const random = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
// five of each kind, in a seeded order
const plan: Kind[] = Array.from({ length: TRIALS }, (_, i) => KINDS[i % KINDS.length]!)
  .map((k) => [random(), k] as const)
  .sort((a, b) => a[0] - b[0])
  .map(([, k]) => k);

interface Trial {
  kind: Kind;
  /** what the kill hit, as seen from the files */
  landed: string;
  survived: boolean;
}
const trials: Trial[] = [];

beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  const survived = trials.filter((t) => t.survived).length;
  console.log(`kill -9: ${survived}/${trials.length} kills survived`);
  for (const t of trials) console.log(`  ${t.survived ? 'ok  ' : 'FAIL'} ${t.kind}: ${t.landed}`);
  if (trials.length === TRIALS) expectReliabilityFigure('kill -9', `${survived}/${TRIALS}`);
});

/** Resolves when `dir` exists (polling: the program creates it). */
const dirExists = (cli: CliProcess, dir: string) => waitUntil(cli, `${dir} to appear`, () => existsSync(dir));

/** Sends SIGKILL at the `n`th event `matches` accepts from a watch on `dir`. */
function killOnEvent(cli: CliProcess, dir: string, n: number, matches: (event: string, file: string) => boolean) {
  return new Promise<void>((done) => {
    const seen = new Set<string>();
    let count = 0;
    let watcher: FSWatcher | undefined;
    const finish = () => {
      watcher?.close();
      done();
    };
    watcher = watch(dir, (event, file) => {
      if (file === null || !matches(event, String(file))) return;
      // a checkpoint's temporary file shows up twice (created, renamed): count each file once
      const key = event === 'rename' ? String(file) : `${count}`;
      if (event === 'rename' && seen.has(key)) return;
      seen.add(key);
      if (++count === n) {
        cli.child.kill('SIGKILL');
        finish();
      }
    });
    void cli.exit.then(finish);
  });
}

async function killAt(kind: Kind, cli: CliProcess, runDir: string): Promise<void> {
  const checkpoints = join(runDir, 'checkpoints');
  switch (kind) {
    case 'startup':
      await sleep(200 + random() * 2500);
      cli.child.kill('SIGKILL');
      return;
    case 'mid-epoch': {
      // an epoch here takes about half a second on two cores
      const wait = random() * 300;
      await waitUntil(cli, 'epoch 1 to end', () => existsSync(join(checkpoints, epochCheckpointName(1))));
      await sleep(wait);
      cli.child.kill('SIGKILL');
      return;
    }
    case 'checkpoint write': {
      // best, epoch_1, (best), epoch_2: the 1st to 3rd checkpoint
      const n = 1 + Math.floor(random() * 3);
      await dirExists(cli, checkpoints);
      return killOnEvent(cli, checkpoints, n, (event, file) => event === 'rename' && file.endsWith('.tmp'));
    }
    case 'event write': {
      // the writer flushes lazily (the file's header, then every 10 events or at a checkpoint): a run makes 6 writes or so
      const n = 1 + Math.floor(random() * 5);
      await dirExists(cli, runDir);
      return killOnEvent(cli, runDir, n, (event, file) => event === 'change' && file.includes('tfevents'));
    }
  }
}

describe('kill -9 during a cifar-train run', () => {
  it.each(plan.map((kind, i) => [i + 1, kind] as const))('kill %i: %s', async (i, kind) => {
    const name = `kill-${i}`;
    const runDir = join(logs, name);
    const trial: Trial = { kind, landed: '', survived: false };
    trials.push(trial);
    const cli = spawnCli([...args, '--run-name', name]);
    await killAt(kind, cli, runDir);
    await cli.exit;
    expect(cli.signal(), `the run was not killed:\n${cli.output()}`).toBe('SIGKILL');

    const temporaries = existsSync(join(runDir, 'checkpoints'))
      ? readdirSync(join(runDir, 'checkpoints')).filter((f) => f.endsWith('.tmp'))
      : [];
    const { problems, byStep } = await checkRunFiles(runDir);
    const last = byStep[0];
    trial.landed = [
      existsSync(runDir)
        ? `${byStep.length} checkpoint(s), the last at step ${last?.[0] ?? '-'}`
        : 'before the run directory',
      temporaries.length > 0 ? `in the middle of writing ${temporaries.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    expect(problems).toEqual([]);
    if (last && last[0] === STEPS) {
      // killed after the last epoch's checkpoint (while the report was written): nothing left to train
      trial.landed += '; the training had completed';
    } else if (last) {
      // everything logged up to the last checkpoint reached the file (a checkpoint flushes the logs first)
      const steps = (await loadRun(runDir)).scalars.train_loss?.map((p) => p.step) ?? [];
      expect(steps.slice(0, last[0])).toEqual(Array.from({ length: last[0] }, (_, k) => k + 1));
      const resumed = spawnCli(['--resume', last[1], '--no-progress']);
      expect(await resumed.exit, resumed.output()).toBe(0);
      expect(resumed.output()).toContain(`resumed from ${last[1]}: step ${last[0]}`);
      expect((await checkRunFiles(runDir)).problems).toEqual([]);
      // the resumed run removed what the killed one left half-written under temporary names
      expect(readdirSync(join(runDir, 'checkpoints')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const run = await loadRun(runDir);
      expect(run.scalars.train_loss?.map((p) => p.step)).toEqual(Array.from({ length: STEPS }, (_, k) => k + 1));
      expect(run.scalars.test_accuracy?.map((p) => p.step)).toEqual([10, 20]);
      trial.landed += '; resumed to the end';
    } else {
      trial.landed += '; nothing to resume (killed before the first checkpoint)';
    }
    trial.survived = true;
  });
});
