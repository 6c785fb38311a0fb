import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLogdir } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepStatus } from '../src/index.js';
import { cifarTrain, startWorker, stopWorker, trainkit, trainkitTb } from './helpers/processes.js';
import { type RedisServer, redisInstalled, startRedis } from './helpers/redis-server.js';
import { runMain } from './helpers/run-main.js';

let redis: RedisServer;
let logs: string;

beforeAll(async () => {
  if (!redisInstalled) return;
  redis = await startRedis();
  logs = mkdtempSync(join(tmpdir(), 'trainkit-sweep-'));
});

afterAll(async () => {
  await redis?.stop();
  if (logs) rmSync(logs, { recursive: true, force: true });
});

describe.skipIf(!redisInstalled)('a grid sweep over two worker processes', () => {
  it('runs its 4 jobs to completion, one run directory each, which TensorBoard reads as 4 hparams session groups', async () => {
    const enqueued = await trainkit(
      'sweep',
      '--redis',
      redis.url,
      '--name',
      'grid',
      '--log-dir',
      logs,
      '--grid',
      'lr=0.01,0.1',
      '--grid',
      'batch-size=16,32',
      '--',
      ...cifarTrain(),
    );
    expect(enqueued.code, enqueued.stderr).toBe(0);
    expect(enqueued.stdout).toContain('sweep grid: 4 jobs enqueued');

    const waiting = await runMain('sweep', 'status', '--redis', redis.url, '--name', 'grid');
    expect(waiting.code).toBe(3); // not finished
    expect(waiting.stdout).toContain('4 waiting');

    const workers = [startWorker(redis.url, 'w1'), startWorker(redis.url, 'w2')];
    const done = await trainkit(
      'sweep',
      'status',
      '--redis',
      redis.url,
      '--name',
      'grid',
      '--wait',
      '--interval',
      '300',
      '--json',
    );
    const stopped = await Promise.all(workers.map(stopWorker));
    const output = workers.map((w) => w.output()).join('\n');
    expect(done.code, `${done.stderr}\n${output}`).toBe(0);
    for (const s of stopped) {
      expect(s.code, s.stdout).toBe(0);
      expect(s.stdout).toMatch(/SIGTERM received[\s\S]*stopped/);
    }

    const status = JSON.parse(done.stdout) as SweepStatus;
    expect(status.counts).toMatchObject({ completed: 4, failed: 0, waiting: 0, active: 0 });
    expect(status.jobs.map((j) => j.job)).toEqual([
      '0-lr=0.01-batch-size=16',
      '1-lr=0.01-batch-size=32',
      '2-lr=0.1-batch-size=16',
      '3-lr=0.1-batch-size=32',
    ]);
    for (const job of status.jobs) {
      expect(job.attempts).toBe(1);
      expect(['w1', 'w2']).toContain(job.worker);
      expect(job.runDir).toBe(join(logs, 'grid', job.job));
    }

    // The HParams tab groups sessions by their hyperparameter values: four runs with four distinct values.
    const runs = await loadLogdir(join(logs, 'grid'));
    expect(runs.map((r) => r.name).sort()).toEqual(status.jobs.map((j) => j.job));
    const groups = new Map<string, string[]>();
    for (const run of runs) {
      expect(run.hparams, run.name).toBeDefined();
      expect(run.hparams!.metricTags).toContain('hparam/test_accuracy');
      const key = JSON.stringify(run.hparams!.values);
      groups.set(key, [...(groups.get(key) ?? []), run.name]);
      const job = status.jobs.find((j) => j.job === run.name)!;
      expect(run.hparams!.values).toMatchObject({
        lr: Number(job.params.lr),
        batch_size: Number(job.params['batch-size']),
        epochs: 1,
      });
      expect(run.scalars.test_accuracy).toHaveLength(1);
    }
    expect(groups.size).toBe(4);

    const compare = await trainkitTb('compare', ...status.jobs.map((j) => j.runDir), '--tag', 'test_accuracy');
    expect(compare.code, compare.stderr).toBe(0);
    const header = compare.stdout.split('\n')[0]!;
    for (const job of status.jobs) expect(header).toContain(job.job);
    expect(compare.stdout).toMatch(/^last\s/m);
  });
});
