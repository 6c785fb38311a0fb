import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadRun } from '@trainkit/tensorboard';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepJobData, SweepJobProgress, SweepStatus } from '../src/index.js';
import { cifarTrain, startWorker, stopWorker } from './helpers/processes.js';
import { type RedisServer, redisInstalled, startRedis } from './helpers/redis-server.js';
import { runMain } from './helpers/run-main.js';

let redis: RedisServer;
let logs: string;

beforeAll(async () => {
  if (!redisInstalled) return;
  redis = await startRedis();
  logs = mkdtempSync(join(tmpdir(), 'trainkit-sweep-kill-'));
});

afterAll(async () => {
  await redis?.stop();
  if (logs) rmSync(logs, { recursive: true, force: true });
});

/** Whether `pid` still runs: a zombie (dead, not yet reaped by its new parent, here PID 1) counts as dead. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

describe.skipIf(!redisInstalled)('a worker killed mid-job', () => {
  it('its training program dies with it; the job is taken again by the other worker, resumes from its checkpoint and completes', async () => {
    // 2 jobs of 2 epochs of 40 steps (320 images in batches of 8): an epoch lasts longer than the guard takes
    const enqueued = await runMain(
      'sweep',
      '--redis',
      redis.url,
      '--name',
      'kill',
      '--log-dir',
      logs,
      '--grid',
      'lr=0.01,0.1',
      '--',
      ...cifarTrain(['--epochs', '2', '--limit-train', '320', '--batch-size', '8']),
    );
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const workers = [startWorker(redis.url, 'w1'), startWorker(redis.url, 'w2')];

    // the first job to finish its first epoch (and save epoch_1.safetensors) loses its worker: SIGKILL, no clean-up
    const line = await Promise.race(workers.map((w) => w.line(/^\[[^\]]+\] epoch 1\/2:/).then((l) => ({ w, l }))));
    const job = /^\[([^\]]+)\]/.exec(line.l)![1]!;
    const runDir = join(logs, 'kill', job);
    while (!existsSync(join(runDir, 'checkpoints', 'epoch_1.safetensors'))) await sleep(10);
    const victim = line.w;
    const survivor = workers.find((w) => w !== victim)!;
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue<SweepJobData>('trainkit-sweeps', { connection });
    const { pid } = (await queue.getJob(`kill/${job}`))!.progress as SweepJobProgress;
    expect(pid).toBeGreaterThan(0);
    victim.child.kill('SIGKILL');
    await victim.exit;
    const killedAt = Date.now();

    // The orphan guard ends the training program within a moment, in the middle of its second epoch. (Without it,
    // the program trains on until its next line to the dead worker's pipe fails: the end of the epoch, after it
    // has written into the run directory the retry is about to use.)
    while (alive(pid!) && Date.now() - killedAt < 5000) await sleep(20);
    expect(alive(pid!), `training program ${pid} outlived its worker`).toBe(false);
    expect(Date.now() - killedAt).toBeLessThan(1000);

    const done = await runMain(
      'sweep',
      'status',
      '--redis',
      redis.url,
      '--name',
      'kill',
      '--wait',
      '--interval',
      '300',
      '--json',
    );
    const stopped = await stopWorker(survivor);
    expect(done.code, `${done.stderr}\n${survivor.output()}`).toBe(0);
    expect(stopped.code).toBe(0);
    const status = JSON.parse(done.stdout) as SweepStatus;
    expect(status.counts).toMatchObject({ completed: 2, failed: 0 });
    const killed = status.jobs.find((j) => j.job === job)!;
    expect(killed).toMatchObject({ state: 'completed', attempts: 2, worker: survivor.name });
    expect(survivor.output()).toContain(
      `${job}: attempt 2, resuming from ${join(runDir, 'checkpoints', 'epoch_1.safetensors')}`,
    );

    // one run, whole: both epochs' test points once each, and the hparams at the end
    const run = await loadRun(runDir);
    expect(run.scalars.test_accuracy?.map((p) => p.step)).toEqual([40, 80]);
    expect(run.hparams?.values).toMatchObject({ lr: Number(killed.params.lr), epochs: 2 });
    await queue.close();
    connection.disconnect();
  });
});
