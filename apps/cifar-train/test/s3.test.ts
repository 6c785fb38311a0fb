// cifar-train with --log-dir and --checkpoint-dir on s3://, then --resume from the s3:// checkpoint, against a real
// S3 server (radosgw) on 127.0.0.1, on the committed CIFAR-10 sample cut to a few batches.
import { resolve } from 'node:path';
import { gfile, loadRun, loadS3Sdk } from '@trainkit/tensorboard';
import { epochCheckpointName, MANIFEST_FILE } from '@trainkit/train';
import { describe, expect, it, vi } from 'vitest';
import { s3ServerForTests } from '../../../tools/testing/s3-test-server.js';
import { main, REPORT_FILES } from '../src/index.js';

const BUCKET = 'cifar-runs';
const server = await s3ServerForTests((await loadS3Sdk()) as never, [BUCKET]);
const SAMPLE = resolve(__dirname, '../../../samples/cifar-10-sample');

/** Runs the CLI, returning its exit code and what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), out };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

const common = [
  '--data-dir',
  SAMPLE,
  '--limit-train',
  '64',
  '--limit-test',
  '32',
  '--batch-size',
  '32',
  '--log-every',
  '1',
  '--no-progress',
  '--no-download',
];

describe.skipIf(!server)('cifar-train with s3:// log and checkpoint dirs (radosgw on 127.0.0.1)', () => {
  it('trains with --log-dir s3://…, then resumes from its s3:// checkpoint', async () => {
    const logDir = `s3://${BUCKET}/runs`;
    const checkpointDir = `s3://${BUCKET}/checkpoints/r1`;
    const first = await cli(
      ...common,
      '--epochs',
      '1',
      '--log-dir',
      logDir,
      '--run-name',
      'r1',
      '--checkpoint-dir',
      checkpointDir,
    );
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain(`run directory: ${logDir}/r1  (tensorboard --logdir ${logDir})`);
    const checkpoint = `${checkpointDir}/${epochCheckpointName(1)}`;
    expect(await gfile.exists(checkpoint)).toBe(true);

    const second = await cli(...common, '--epochs', '2', '--resume', checkpoint);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain(`resumed from ${checkpoint}: step 2, after epoch 1`);
    expect(await gfile.exists(`${checkpointDir}/${epochCheckpointName(2)}`)).toBe(true);

    const run = await loadRun(`${logDir}/r1`);
    expect(run.issues).toEqual([]);
    expect(run.scalars.train_loss?.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(run.scalars.test_accuracy?.map((p) => p.step)).toEqual([2, 4]);
    const manifest = JSON.parse(new TextDecoder().decode(await gfile.readFile(`${logDir}/r1/${MANIFEST_FILE}`)));
    expect(manifest).toMatchObject({ app: 'cifar-train', status: 'completed', progress: { epochsCompleted: 2 } });
    const files = (await gfile.listdir(`${logDir}/r1`)).map((e) => e.name);
    for (const name of Object.values(REPORT_FILES)) expect(files).toContain(name);
  });
});
