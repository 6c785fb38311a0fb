import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepStatus } from '../src/index.js';
import { cifarTrain, SAMPLE, startWorker, stopWorker, type WorkerProcess } from './helpers/processes.js';
import { type RedisServer, redisInstalled, startRedis } from './helpers/redis-server.js';
import { runMain } from './helpers/run-main.js';

let redis: RedisServer;
let root: string;
let worker: WorkerProcess;

beforeAll(async () => {
  if (!redisInstalled) return;
  redis = await startRedis();
  root = mkdtempSync(join(tmpdir(), 'trainkit-sweep-retry-'));
  worker = startWorker(redis.url, 'w1');
});

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await redis?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function finished(name: string): Promise<{ code: number | null; status: SweepStatus }> {
  const r = await runMain(
    'sweep',
    'status',
    '--redis',
    redis.url,
    '--name',
    name,
    '--wait',
    '--interval',
    '200',
    '--json',
  );
  expect(r.stderr).toBe('');
  return { code: r.code, status: JSON.parse(r.stdout) as SweepStatus };
}

describe.skipIf(!redisInstalled)('failed attempts', () => {
  it('a job whose program fails is retried after its backoff, and completes', async () => {
    // the data is not there for the first attempt (cifar-train exits 1 saying so) and arrives before the retry
    const late = join(root, 'late-data');
    const sweep = ['--name', 'flaky', '--log-dir', join(root, 'runs'), '--attempts', '3', '--backoff', '1500'];
    const enqueued = await runMain(
      'sweep',
      '--redis',
      redis.url,
      ...sweep,
      '--grid',
      'lr=0.05',
      '--',
      ...cifarTrain([], late),
    );
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const failure = await worker.line(/^0-lr=0\.05: attempt 1 failed/);
    expect(failure).toMatch(/^0-lr=0\.05: attempt 1 failed \(node exited with code 1: .*late-data.*\); 2 left$/);
    cpSync(SAMPLE, late, { recursive: true });

    const { code, status } = await finished('flaky');
    expect(code, worker.output()).toBe(0);
    expect(status.jobs[0]).toMatchObject({ state: 'completed', attempts: 2, worker: 'w1' });
    const run = await loadRun(status.jobs[0]!.runDir);
    expect(run.hparams?.values).toMatchObject({ lr: 0.05 });
  });

  it('a usage error is not retried; a job out of attempts is failed, and status exits 1 saying why', async () => {
    const runs = join(root, 'runs');
    const bad = await runMain(
      'sweep',
      '--redis',
      redis.url,
      '--name',
      'bad',
      '--log-dir',
      runs,
      '--grid',
      'epochs=0',
      '--attempts',
      '3',
      '--',
      ...cifarTrain(),
    );
    expect(bad.code, bad.stderr).toBe(0);
    const doomed = await runMain(
      'sweep',
      '--redis',
      redis.url,
      '--name',
      'doomed',
      '--log-dir',
      runs,
      '--grid',
      'lr=0.1',
      '--attempts',
      '2',
      '--backoff',
      '200',
      '--',
      ...cifarTrain([], join(root, 'never')),
    );
    expect(doomed.code, doomed.stderr).toBe(0);

    const usage = await finished('bad');
    expect(usage.code).toBe(1);
    expect(usage.status.jobs[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(usage.status.jobs[0]!.failedReason).toContain(
      'node exited with code 2 (a usage error: not retried): cifar-train: --epochs: expected an integer ≥ 1, got "0"',
    );
    expect(usage.status.jobs[0]!.failedReason).toContain('--epochs: expected an integer ≥ 1, got "0"');

    const out = await finished('doomed');
    expect(out.code).toBe(1);
    expect(out.status.jobs[0]).toMatchObject({ state: 'failed', attempts: 2 });
    expect(out.status.jobs[0]!.failedReason).toContain('node exited with code 1');
    const table = await runMain('sweep', 'status', '--redis', redis.url, '--name', 'doomed');
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^0-lr=0\.1\s+failed\s+2\/2\s+w1\s/m);
    expect(table.stdout).toContain('sweep doomed: 1 failed');
  });
});
