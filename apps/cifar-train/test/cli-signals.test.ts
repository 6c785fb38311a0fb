import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { useBackend } from '@trainkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import { APP, checkRunFiles, loggedSteps, SAMPLE, spawnCli, waitUntil } from './cli-process.js';
import { writeTinyCifar } from './tiny-cifar.js';

// What the terminal and the shell do to a running cifar-train: the terminal closes (SIGHUP), Ctrl-C twice, the
// reader of its output goes away (| head -1); and `pnpm start -- --resume` after a run on another --data-dir.

const root = mkdtempSync(join(tmpdir(), 'cifar-signals-'));
const logs = join(root, 'runs');
const passed: string[] = [];
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  console.log(`signals and pipes: ${passed.length}/4 handled: ${passed.join(', ')}`);
  if (passed.length === 4) expectReliabilityFigure('Signals and pipes', '4/4');
});
beforeAll(async () => {
  await useBackend('cpu');
});

// 640 images in batches of 8: an 80-step epoch, long enough to be interrupted in the middle
const args = [
  ...['--data-dir', SAMPLE, '--limit-train', '640', '--limit-test', '64', '--batch-size', '8', '--epochs', '1'],
  ...['--log-every', '1', '--log-dir', logs, '--no-progress', '--no-download'],
];

describe('signals and closed pipes', { timeout: 120_000 }, () => {
  it('SIGHUP (the terminal closed) stops after the current step and saves a checkpoint, as Ctrl-C does (exit 129)', async () => {
    const runDir = join(logs, 'hup');
    const cli = spawnCli([...args, '--run-name', 'hup']);
    await waitUntil(cli, 'training', async () => (await loggedSteps(runDir)) > 0);
    cli.child.kill('SIGHUP');
    expect(await cli.exit, cli.output()).toBe(129);
    expect(cli.output()).toContain('SIGHUP received: stopping after the current step');
    const saved = /stopped at step (\d+) .*; saved (\S+)/.exec(cli.output());
    expect(saved, cli.output()).not.toBeNull();
    const { problems, byStep } = await checkRunFiles(runDir);
    expect(problems).toEqual([]);
    expect(byStep[0]).toEqual([Number(saved![1]), saved![2]]);
    passed.push('SIGHUP');
  });

  it('a second Ctrl-C quits at once and leaves every file under its final name whole', async () => {
    const runDir = join(logs, 'twice');
    const cli = spawnCli([...args, '--run-name', 'twice']);
    await waitUntil(cli, 'training', async () => (await loggedSteps(runDir)) > 0);
    cli.child.kill('SIGINT');
    await sleep(5);
    cli.child.kill('SIGINT');
    expect(await cli.exit, cli.output()).toBe(130);
    expect((await checkRunFiles(runDir)).problems).toEqual([]);
    passed.push('Ctrl-C twice');
  });

  it('`cifar-train … | head -1` ends quietly with exit 0 once head has its line', () => {
    const quoted = [...args, '--run-name', 'piped'].map((a) => `'${a}'`).join(' ');
    const result = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" --conditions=trainkit-source --import tsx src/cli.ts ${quoted} | head -1; echo "status \${PIPESTATUS[0]}" >&2`,
      ],
      { cwd: APP, encoding: 'utf8' },
    );
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr, result.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(result.stderr).toContain('status 0');
    passed.push('| head -1');
  });

  it("pnpm start -- --resume trains on the checkpoint's saved data dir, not the sample the script would choose", async () => {
    const tiny = writeTinyCifar(join(root, 'tiny-data'), { train: 48, test: 16 }, 3);
    const common = ['--log-dir', logs, '--batch-size', '16', '--no-progress', '--no-download'];
    const first = spawnCli([...common, '--data-dir', tiny, '--run-name', 'start', '--epochs', '1'], {
      script: 'scripts/start.mjs',
    });
    expect(await first.exit, first.output()).toBe(0);
    const resumed = spawnCli(
      ['--', '--resume', join(logs, 'start', 'checkpoints', 'epoch_1.safetensors'), '--epochs', '2'],
      {
        script: 'scripts/start.mjs',
      },
    );
    expect(await resumed.exit, resumed.output()).toBe(0);
    expect(resumed.output()).toContain("pnpm start: resuming on the data of the checkpoint's run");
    expect(resumed.output()).toContain(
      `train set: 48 images — partial CIFAR-10 train split from ${join(tiny, 'cifar-10-batches-bin')}`,
    );
    expect(resumed.output()).not.toContain(SAMPLE);
    passed.push('pnpm start -- --resume');
  });
});
