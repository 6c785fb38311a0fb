import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepStatus } from '../src/index.js';
import { cifarTrain, startWorker, stopWorker } from './helpers/processes.js';
import { type RedisServer, redisInstalled, startRedis } from './helpers/redis-server.js';
import { runMain } from './helpers/run-main.js';

let redis: RedisServer;
let logs: string;

beforeAll(async () => {
  if (!redisInstalled) return;
  redis = await startRedis();
  logs = mkdtempSync(join(tmpdir(), 'trainkit-sweep-stop-'));
});

afterAll(async () => {
  await redis?.stop();
  if (logs) rmSync(logs, { recursive: true, force: true });
});

describe.skipIf(!redisInstalled)('a worker stopped with SIGTERM', () => {
  it('stops its program as Ctrl-C does (a step checkpoint), puts the job back without using an attempt; the next worker resumes it', async () => {
    // 2 epochs of 64 steps (256 images in batches of 4); the stop comes during the second
    const enqueued = await runMain(
      'sweep',
      '--redis',
      redis.url,
      '--name',
      'stop',
      '--log-dir',
      logs,
      '--grid',
      'lr=0.02',
      '--attempts',
      '1',
      '--',
      ...cifarTrain(['--epochs', '2', '--limit-train', '256', '--batch-size', '4', '--log-every', '1']),
    );
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const first = startWorker(redis.url, 'w1');
    const runDir = join(logs, 'stop', '0-lr=0.02');
    await first.line(/^\[0-lr=0\.02\] epoch 1\/2:/);
    // into the second epoch: its train_loss points are in the event file
    for (;;) {
      const points = existsSync(runDir) ? ((await loadRun(runDir)).scalars.train_loss ?? []) : [];
      if (points.some((p) => p.step > 66)) break;
      await sleep(50);
    }
    const stopped = await stopWorker(first);
    expect(stopped.code, stopped.stdout).toBe(0);
    expect(stopped.stdout).toContain('[0-lr=0.02] SIGINT received: stopping after the current step');
    expect(stopped.stdout).toContain('0-lr=0.02: stopped (exit code 130); back in the queue');

    const between = await runMain('sweep', 'status', '--redis', redis.url, '--name', 'stop', '--json');
    expect(between.code).toBe(3);
    // back in the queue with its one attempt unused (--attempts 1: a failure would have ended it)
    expect((JSON.parse(between.stdout) as SweepStatus).jobs[0]).toMatchObject({ state: 'waiting' });
    const steps = readdirSync(join(runDir, 'checkpoints')).filter((f) => /^step_\d+\.safetensors$/.test(f));
    expect(steps).toHaveLength(1);
    const step = Number(/\d+/.exec(steps[0]!)![0]);
    expect(step).toBeGreaterThan(64);
    expect(step).toBeLessThan(128);

    const second = startWorker(redis.url, 'w2');
    const done = await runMain(
      'sweep',
      'status',
      '--redis',
      redis.url,
      '--name',
      'stop',
      '--wait',
      '--interval',
      '200',
      '--json',
    );
    await stopWorker(second);
    expect(done.code, second.output()).toBe(0);
    expect((JSON.parse(done.stdout) as SweepStatus).jobs[0]).toMatchObject({ state: 'completed', worker: 'w2' });
    expect(second.output()).toContain(`resuming from ${join(runDir, 'checkpoints', steps[0]!)}`);
    const run = await loadRun(runDir);
    expect(run.scalars.test_accuracy?.map((p) => p.step)).toEqual([64, 128]);
    expect(existsSync(join(runDir, 'checkpoints', 'epoch_2.safetensors'))).toBe(true);
  });
});
