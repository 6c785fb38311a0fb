import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startData } from '../src/start-data.js';
import { writeTinyCifar } from './tiny-cifar.js';

const REPO = resolve(__dirname, '../../..');
const SAMPLE = join(REPO, 'samples', 'cifar-10-sample');
/** the line for the committed sample (its counts are checked against the files by packages/data's tests) */
const sampleLine = (data: string, sample: string, doing = 'training') =>
  `pnpm start: no CIFAR-10 in ${data}, so ${doing} on the sample in ${sample} (1,600 of the 50,000 training and ` +
  '1,000 of the 10,000 test images); for the full set: pnpm start -- --download (170 MB)';

let root: string;
let dataDir: string;
/** a repository root whose default data dir (data/) is empty, with the real committed sample */
const options = () => ({ dataDir, sampleDir: SAMPLE, root });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cifar-start-data-'));
  dataDir = join(root, 'data');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('startData: what pnpm start trains on', () => {
  it('the committed sample when the default data dir holds no CIFAR-10, saying how small it is and how to get the full set', () => {
    for (const argv of [[], ['--epochs', '2'], ['--no-download'], ['--no-progress', '--seed', '3']]) {
      expect(startData(argv, options()), argv.join(' ')).toEqual({
        args: ['--data-dir', SAMPLE],
        line: sampleLine('data', relative(root, SAMPLE)),
      });
    }
    mkdirSync(dataDir); // an empty directory is no data either
    expect(startData([], options()).args).toEqual(['--data-dir', SAMPLE]);
  });

  it('names paths from the repository root', () => {
    const line = startData([], {
      dataDir: join(REPO, 'apps', 'cifar-train', 'data-none'),
      sampleDir: SAMPLE,
      root: REPO,
    }).line;
    expect(line).toBe(sampleLine('apps/cifar-train/data-none', 'samples/cifar-10-sample'));
  });

  it('the CIFAR-10 in the default data dir when it is there: extracted files or the archive', () => {
    writeTinyCifar(dataDir, { train: 4, test: 2 });
    expect(startData([], options())).toEqual({
      args: ['--data-dir', dataDir],
      line: 'pnpm start: training on the CIFAR-10 in data',
    });
    rmSync(dataDir, { recursive: true });
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'cifar-10-binary.tar.gz'), '');
    expect(startData(['--download'], options()).args).toEqual(['--data-dir', dataDir]);
  });

  it('--download: the full set, downloaded into the default data dir', () => {
    expect(startData(['--download'], options())).toEqual({
      args: ['--data-dir', dataDir],
      line: 'pnpm start: downloading the full CIFAR-10 (cifar-10-binary.tar.gz, 170 MB) into data and training on it',
    });
    const config = join(root, 'config.json');
    writeFileSync(config, JSON.stringify({ download: true }));
    expect(startData(['--config', config], options()).args).toEqual(['--data-dir', dataDir]);
  });

  it('--data-dir given (on the command line or in --config): used as it is', () => {
    expect(startData(['--data-dir', '/elsewhere'], options())).toEqual({
      args: [],
      line: 'pnpm start: training on --data-dir /elsewhere',
    });
    const config = join(root, 'config.json');
    writeFileSync(config, JSON.stringify({ 'data-dir': '/from-config' }));
    expect(startData(['--config', config], options()).args).toEqual([]);
  });

  it("--resume keeps the data of the checkpoint's run; --eval-only evaluates on what training would use", () => {
    expect(startData(['--resume', 'runs/x/checkpoints/epoch_1.safetensors'], options())).toEqual({
      args: [],
      line: "pnpm start: resuming on the data of the checkpoint's run",
    });
    const evaluating = startData(['--eval-only', 'best.safetensors'], options());
    expect(evaluating.args).toEqual(['--data-dir', SAMPLE]);
    expect(evaluating.line).toBe(sampleLine('data', relative(root, SAMPLE), 'evaluating'));
  });

  it('--help and flags that do not parse add nothing and say nothing: main prints the help or the usage error', () => {
    for (const argv of [['--help'], ['-h'], ['--epochs', '0'], ['--epoch', '2'], ['--download', '--no-download']]) {
      expect(startData(argv, options()), argv.join(' ')).toEqual({ args: [] });
    }
  });

  it('without the sample, the full set as before (downloaded unless --no-download)', () => {
    const missing = join(root, 'no-sample');
    expect(startData([], { ...options(), sampleDir: missing })).toEqual({
      args: ['--data-dir', dataDir],
      line: 'pnpm start: no CIFAR-10 in data and no sample in no-sample; training on the full CIFAR-10, downloaded (170 MB)',
    });
    expect(startData(['--no-download'], { ...options(), sampleDir: missing }).line).toBe(
      'pnpm start: no CIFAR-10 in data and no sample in no-sample; training on the full CIFAR-10',
    );
  });
});
