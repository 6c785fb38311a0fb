// A TrainingRun whose run directory, checkpoints and manifest are on S3, against a real S3 server (radosgw) on
// 127.0.0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nn } from '@trainkit/core';
import { gfile, loadRun, loadS3Sdk } from '@trainkit/tensorboard';
import { afterAll, describe, expect, it } from 'vitest';
import { s3ServerForTests } from '../../../tools/testing/s3-test-server.js';
import { BEST_MODEL, epochCheckpointName, loadRunCheckpoint, MANIFEST_FILE, readTrainingState } from '../src/index.js';
import { type TinyConfig, tinyProgram } from './helpers/tiny-program.js';

const BUCKET = 'trainkit-runs';
const server = await s3ServerForTests((await loadS3Sdk()) as never, [BUCKET]);
const tmp = mkdtempSync(join(tmpdir(), 'trainkit-s3-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = (runName: string, extra: Partial<TinyConfig> = {}): TinyConfig => ({
  backend: 'cpu',
  epochs: 2,
  seed: 3,
  logEvery: 2,
  progress: false,
  lr: 0.1,
  logDir: `s3://${BUCKET}/runs`,
  runName,
  ...extra,
});
const quiet = { log: () => {} };
const names = async (dir: string) => (await gfile.listdir(dir)).map((e) => e.name).sort();

describe.skipIf(!server)('TrainingRun on s3:// (radosgw on 127.0.0.1)', () => {
  let uninterrupted: number[][] = [];

  it('writes logs, checkpoints and the manifest under the s3:// log dir', async () => {
    const a = await tinyProgram(config('a'), quiet);
    uninterrupted = a.weights;
    expect(a.exitCode).toBe(0);
    expect(a.runDir).toBe(`s3://${BUCKET}/runs/a`);
    expect(a.checkpointDir).toBe(`s3://${BUCKET}/runs/a/checkpoints`);
    expect(a.lastCheckpoint).toBe(`${a.checkpointDir}/${epochCheckpointName(2)}`);
    // whole objects under final names only: the temporary keys were removed after the copy
    expect(await names(a.checkpointDir)).toEqual([BEST_MODEL, epochCheckpointName(1), epochCheckpointName(2)]);

    const manifest = JSON.parse(new TextDecoder().decode(await gfile.readFile(`${a.runDir}/${MANIFEST_FILE}`)));
    expect(manifest).toMatchObject({ app: 'tiny', status: 'completed', progress: { epochsCompleted: 2, step: 10 } });
    expect(manifest.config.logDir).toBe(`s3://${BUCKET}/runs`);

    const logs = await loadRun(a.runDir);
    expect(logs.issues).toEqual([]);
    expect(logs.scalars.train_loss?.map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
    expect(logs.scalars.test_loss?.map((p) => p.step)).toEqual([5, 10]);
    expect(logs.graph?.node?.length).toBeGreaterThan(0);

    const state = await readTrainingState(`${a.checkpointDir}/${epochCheckpointName(1)}`, 'tiny');
    expect(state).toMatchObject({ epoch: 1, step: 5, runDir: a.runDir, checkpointDir: a.checkpointDir });
  });

  it('--resume from an s3:// checkpoint ends where the uninterrupted run ended', async () => {
    const b = await tinyProgram(config('b', { epochs: 1 }), quiet);
    expect(b.exitCode).toBe(0);
    const resumed = await tinyProgram(config('b', { epochs: 2, resume: b.lastCheckpoint }), {
      ...quiet,
      explicit: ['epochs'],
    });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.runDir).toBe(b.runDir);
    expect(resumed.weights).toEqual(uninterrupted);
    const logs = await loadRun(resumed.runDir);
    expect(logs.scalars.train_loss?.map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
  });

  it('a local log dir with its checkpoint dir on s3://, and an existing run refused by name', async () => {
    const c = await tinyProgram(
      config('c', { epochs: 1, logDir: join(tmp, 'runs'), checkpointDir: `s3://${BUCKET}/ckpt/c` }),
      quiet,
    );
    expect(readdirSync(c.runDir).some((n) => n.includes('tfevents'))).toBe(true);
    expect(await names(`s3://${BUCKET}/ckpt/c`)).toEqual([BEST_MODEL, epochCheckpointName(1)]);
    await expect(tinyProgram(config('a'), quiet)).rejects.toThrow(
      `run directory s3://${BUCKET}/runs/a already holds a run (TensorBoard event files); choose another --run-name, or continue that run with --resume s3://${BUCKET}/runs/a/checkpoints/<checkpoint>.safetensors`,
    );
  });

  it('a checkpoint under its final key is always whole, even when the process is killed while writing', async () => {
    const url = `s3://${BUCKET}/kill/checkpoints/step.safetensors`;
    const tsx = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href];
    const script = fileURLToPath(new URL('./helpers/s3-checkpoint-loop.ts', import.meta.url));
    const child: ChildProcess = spawn(process.execPath, [...tsx, script, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = 0;
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the checkpoint loop exited early with code ${code}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        for (const m of chunk.toString().matchAll(/saved (\d+)/g)) last = Number(m[1]);
        if (last >= 2) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 400)); // somewhere in a later save
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const state = await readTrainingState(url, 'tiny');
    expect(state.step === last || state.step === last + 1).toBe(true);
    const model = new nn.Linear(1000, 1000);
    await loadRunCheckpoint(url, { model });
    model.dispose();
  });
});
