// A sweep whose runs go to s3:// on a real S3 server (radosgw, tools/testing/s3-test-server.ts, on 127.0.0.1): the
// workers pass the s3:// base through, cifar-train writes there, and TensorBoard's readers load the runs from there.
import { loadLogdir, loadS3Sdk } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ServerForTests } from '../../../tools/testing/s3-test-server.js';
import type { SweepStatus } from '../src/index.js';
import { cifarTrain, startWorker, stopWorker, trainkitTb } from './helpers/processes.js';
import { type RedisServer, redisInstalled, startRedis } from './helpers/redis-server.js';
import { runMain } from './helpers/run-main.js';

const BUCKET = 'sweeps';
// sets AWS_ENDPOINT_URL and the keys in process.env, which the workers and their programs inherit
const server = redisInstalled ? await s3ServerForTests((await loadS3Sdk()) as never, [BUCKET]) : undefined;
let redis: RedisServer;

beforeAll(async () => {
  if (server) redis = await startRedis();
});
afterAll(() => redis?.stop());

describe.skipIf(!server)('a sweep writing to s3:// (radosgw on 127.0.0.1)', () => {
  it('runs each job into s3://…/<sweep>/<job>, where trainkit-tb and the reader find the runs and their hparams', async () => {
    const logDir = `s3://${BUCKET}/runs`;
    const enqueued = await runMain(
      'sweep',
      '--redis',
      redis.url,
      '--name',
      's3',
      '--log-dir',
      logDir,
      '--grid',
      'lr=0.01,0.1',
      '--',
      ...cifarTrain(),
    );
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const workers = [startWorker(redis.url, 'w1'), startWorker(redis.url, 'w2')];
    const done = await runMain(
      'sweep',
      'status',
      '--redis',
      redis.url,
      '--name',
      's3',
      '--wait',
      '--interval',
      '300',
      '--json',
    );
    await Promise.all(workers.map(stopWorker));
    expect(done.code, workers.map((w) => w.output()).join('\n')).toBe(0);
    const status = JSON.parse(done.stdout) as SweepStatus;
    expect(status.jobs.map((j) => j.runDir)).toEqual([`${logDir}/s3/0-lr=0.01`, `${logDir}/s3/1-lr=0.1`]);

    const runs = await loadLogdir(`${logDir}/s3`);
    expect(runs.map((r) => r.name).sort()).toEqual(['0-lr=0.01', '1-lr=0.1']);
    expect(new Set(runs.map((r) => JSON.stringify(r.hparams?.values))).size).toBe(2);
    expect(runs.map((r) => r.hparams?.values.lr).sort()).toEqual([0.01, 0.1]);

    const dirs = await runMain('sweep', 'status', '--redis', redis.url, '--name', 's3', '--run-dirs');
    expect(dirs.stdout).toBe(`${logDir}/s3/0-lr=0.01\n${logDir}/s3/1-lr=0.1\n`);
    const compare = await trainkitTb('compare', ...dirs.stdout.trim().split('\n'), '--tag', 'test_accuracy');
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout.split('\n')[0]).toMatch(/0-lr=0\.01\s+1-lr=0\.1/);
  });
});
