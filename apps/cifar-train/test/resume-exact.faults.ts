import { existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { useBackend } from '@trainkit/core';
import { loadRun } from '@trainkit/tensorboard';
import { epochCheckpointName, MANIFEST_FILE } from '@trainkit/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import { checkRunFiles, differingTensors, SAMPLE, spawnCli } from './cli-process.js';

// Resuming is exact: a run completed for 1 epoch, extended with --resume … --epochs 3, stopped by Ctrl-C in the
// middle of epoch 2 and resumed from the checkpoint that saved, ends with the same bits as one run of 3 epochs
// straight through — weights, optimizer state and every logged value — on wasm and on native. The extension
// writes the hparams once.

const root = mkdtempSync(join(tmpdir(), 'cifar-resume-exact-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await useBackend('cpu'); // for reading the files here
});

const NATIVE_ADDON = resolve(__dirname, '../../../packages/backend-native/build/Release/trainkit_native.node');
const BACKENDS = ['wasm', 'native'] as const;
// 320 images in batches of 32: 10 steps an epoch
const common = (backend: string, logs: string) => [
  ...['--data-dir', SAMPLE, '--limit-train', '320', '--limit-test', '64', '--batch-size', '32'],
  ...['--momentum', '0.9', '--log-every', '1', '--seed', '5', '--backend', backend, '--log-dir', logs],
  ...['--no-progress', '--no-download'],
];
const exact: string[] = [];

describe.each(BACKENDS)('resume on %s', (backend) => {
  it('1 epoch, extended to 3, Ctrl-C in epoch 2, --resume: the bits of 3 epochs straight', async (ctx) => {
    if (backend === 'native' && (!existsSync(NATIVE_ADDON) || process.env.TRAINKIT_DISABLE_NATIVE === '1')) {
      console.warn('resume on native skipped: the oneDNN addon is not built here');
      ctx.skip();
    }
    const logs = join(root, backend);
    const args = common(backend, logs);
    const straight = spawnCli([...args, '--run-name', 'straight', '--epochs', '3']);
    const first = spawnCli([...args, '--run-name', 'chain', '--epochs', '1']);
    expect(await straight.exit, straight.output()).toBe(0);
    expect(await first.exit, first.output()).toBe(0);

    const chain = join(logs, 'chain');
    const epoch1 = join(chain, 'checkpoints', epochCheckpointName(1));
    // Ctrl-C once the extension's loop runs: fit() writes the manifest ("running") and then installs the Ctrl-C
    // handler, so the manifest's rename, and a moment, say the loop is under way (the logs are flushed lazily, so
    // the event file cannot say it)
    const extended = spawnCli([...args, '--resume', epoch1, '--epochs', '3']);
    await new Promise<void>((done) => {
      const watcher = watch(chain, (event, file) => {
        if (event !== 'rename' || String(file) !== MANIFEST_FILE) return;
        watcher.close();
        setTimeout(() => {
          extended.child.kill('SIGINT');
          done();
        }, 300);
      });
      void extended.exit.then(() => {
        watcher.close();
        done();
      });
    });
    expect(await extended.exit, extended.output()).toBe(130);
    const stop = /saved (\S+step_(\d+)\.safetensors)/.exec(extended.output());
    expect(stop, extended.output()).not.toBeNull();
    expect(Number(stop![2])).toBeGreaterThan(10);
    expect(Number(stop![2])).toBeLessThan(20);

    const resumed = spawnCli([...args, '--resume', stop![1]!]);
    expect(await resumed.exit, resumed.output()).toBe(0);
    expect(resumed.output()).toContain(`resumed from ${stop![1]}: step ${stop![2]}, in epoch 2`);

    expect((await checkRunFiles(chain)).problems).toEqual([]);
    const last = epochCheckpointName(3);
    expect(
      await differingTensors(join(logs, 'straight', 'checkpoints', last), join(chain, 'checkpoints', last)),
    ).toEqual([]);
    const [a, b] = [await loadRun(join(logs, 'straight')), await loadRun(chain)];
    for (const tag of ['train_loss', 'train_loss_epoch', 'test_loss', 'test_accuracy', 'hparam/test_accuracy']) {
      expect(
        b.scalars[tag]?.map((p) => [p.step, p.value]),
        tag,
      ).toEqual(a.scalars[tag]?.map((p) => [p.step, p.value]));
    }
    // the hparams of the 1-epoch run were purged with the extension: one entry, the completed run's
    expect(b.scalars['hparam/test_accuracy']).toHaveLength(1);
    expect(b.hparams?.values).toMatchObject({ epochs: 3 });
    exact.push(backend);
  });
});

afterAll(() => {
  // the README's figure holds for both backends; where native is not built, only the log says what ran
  if (exact.length === BACKENDS.length)
    expectReliabilityFigure('Resume exactness', `bit for bit on ${exact.join(' and ')}`);
  else console.warn(`resume exactness checked on ${exact.join(', ') || 'no backend'} only`);
});
