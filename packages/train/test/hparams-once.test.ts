import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@trainkit/core';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochCheckpointName } from '../src/index.js';
import { runTiny } from './tiny-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-hparams-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await useBackend('cpu');
});

describe('a run extended with --resume … --epochs N', () => {
  it('logs its hparams once: the completed 1-epoch run’s are purged, the 3-epoch run’s stay', async () => {
    const logs = join(tmp, 'runs');
    expect((await runTiny(['--log-dir', logs, '--run-name', 'x', '--epochs', '1'])).code).toBe(0);
    const runDir = join(logs, 'x');
    expect((await loadRun(runDir)).scalars['hparam/test_loss']).toHaveLength(1);
    const extended = await runTiny(['--resume', join(runDir, 'checkpoints', epochCheckpointName(1)), '--epochs', '3']);
    expect(extended.code, extended.err).toBe(0);
    const run = await loadRun(runDir);
    expect(run.scalars['hparam/test_loss']?.map((p) => p.step)).toEqual([16]); // the step after the last (15)
    expect(run.scalars['hparam/test_loss']?.[0]?.value).toBe(run.scalars.test_loss?.at(-1)?.value);
    expect(run.hparams?.values).toEqual({ lr: 0.1, epochs: 3 });
  });
});
