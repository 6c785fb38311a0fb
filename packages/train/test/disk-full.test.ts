import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, nn, useBackend } from '@trainkit/core';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import { BEST_MODEL, epochCheckpointName } from '../src/index.js';
import { runTiny, tinyHooks } from './tiny-cli.js';

// A full disk, for real: a small tmpfs (mounting needs root; elsewhere the test says why it skips). Whatever the
// run was writing when the space ran out, it must stop with a message naming the file and ENOSPC (no stack trace),
// leave no half-written file under a final name and no temporary file, and resume from its last checkpoint once
// there is space again.

const root = mkdtempSync(join(tmpdir(), 'trainkit-disk-full-'));
const disk = join(root, 'tmpfs');
const filler = join(disk, 'filler');
let mounted = false;
let why = '';

beforeAll(async () => {
  await useBackend('cpu');
  mkdirSync(disk);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim();
  }
});

afterAll(() => {
  tinyHooks.afterEpoch = undefined;
  if (mounted) execFileSync('umount', [disk]);
  rmSync(root, { recursive: true, force: true });
});

/** Fills what is left of the tmpfs. */
function fill(): void {
  try {
    writeFileSync(filler, Buffer.alloc(4 * 2 ** 20), { flag: 'a' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
}

const temporaries = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
const noStack = (err: string) => !/\n\s+at /.test(err);

describe('a full disk', () => {
  it('stops a run with a clear message, nothing half-written, and --resume continues once there is space', async (ctx) => {
    if (!mounted) {
      console.warn(`disk-full test skipped: cannot mount a tmpfs here (${why || 'not permitted'}); it needs root`);
      ctx.skip();
    }
    const cases: string[] = [];
    // 1. the disk is full from the start: the checkpoint directory on it, the logs elsewhere
    fill();
    const a = await runTiny([
      '--log-dir',
      join(root, 'logs'),
      '--run-name',
      'a',
      '--checkpoint-dir',
      join(disk, 'ckpt-a'),
    ]);
    expect(a.code, a.err).toBe(1);
    expect(a.err).toContain(`writing ${join(disk, 'ckpt-a', BEST_MODEL)} failed: ENOSPC`);
    expect(a.err).toContain('the disk is full');
    expect(noStack(a.err), a.err).toBe(true);
    expect(readdirSync(join(disk, 'ckpt-a'))).toEqual([]);
    cases.push('checkpoint directory full');

    // 2. the log directory on the full disk: the event file cannot be written
    const b = await runTiny(['--log-dir', join(disk, 'logs'), '--run-name', 'b']);
    expect(b.code, b.err).toBe(1);
    expect(b.err).toMatch(/ENOSPC/);
    expect(b.err).toContain(join(disk, 'logs', 'b'));
    expect(noStack(b.err), b.err).toBe(true);
    expect(temporaries(disk)).toEqual([]);
    cases.push('log directory full');

    // 3. the space runs out after epoch 1: epoch 1's checkpoint stays whole, epoch 2's never appears
    rmSync(filler);
    tinyHooks.afterEpoch = (epoch) => {
      if (epoch === 1) fill();
    };
    const c = await runTiny(['--log-dir', join(disk, 'logs'), '--run-name', 'c', '--epochs', '3']);
    tinyHooks.afterEpoch = undefined;
    expect(c.code, c.err).toBe(1);
    expect(c.err).toMatch(/ENOSPC/);
    expect(noStack(c.err), c.err).toBe(true);
    const checkpoints = join(disk, 'logs', 'c', 'checkpoints');
    expect(existsSync(join(checkpoints, epochCheckpointName(2)))).toBe(false);
    expect(temporaries(disk)).toEqual([]);
    const model = new nn.Sequential(new nn.Linear(4, 3));
    expect((await loadCheckpoint(join(checkpoints, epochCheckpointName(1)), { model })).step).toBe(5);
    model.dispose();
    // space again: the run resumes from epoch 1 and completes, its logs readable throughout
    rmSync(filler);
    const resumed = await runTiny(['--resume', join(checkpoints, epochCheckpointName(1))]);
    expect(resumed.code, resumed.err).toBe(0);
    const logs = await loadRun(join(disk, 'logs', 'c'));
    expect(logs.scalars.test_loss?.map((p) => p.step)).toEqual([5, 10, 15]);
    cases.push('full after epoch 1, then resumed');
    console.log(`disk full (tmpfs): ${cases.length}/3 cases stopped clearly: ${cases.join(', ')}`);
    expectReliabilityFigure('Disk full', `${cases.length}/3`);
  });
});
