import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, nn, optim, saveModel, tf, useBackend } from '@trainkit/core';
import { DataLoader, TensorDataset } from '@trainkit/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import { BEST_MODEL, epochCheckpointName } from '../src/index.js';
import { editCheckpoint, runTiny, type SavedState } from './tiny-cli.js';

// The misuse campaign: flags, config files, checkpoints and paths a user gets wrong, and API calls with the wrong
// shapes or options. Each must be refused with a message naming what is at fault (the flag and value, the file and
// the key, the layer and both shapes), exit 2 for usage and 1 for failures, without a stack trace and without
// leaving half a file under a final name. The count goes into the README's reliability table.

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-misuse-'));
const logs = join(tmp, 'runs');
const ckpt = (name: string) => join(logs, 'base', 'checkpoints', name);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  await useBackend('cpu');
  const base = await runTiny(['--log-dir', logs, '--run-name', 'base']);
  if (base.code !== 0) throw new Error(`the baseline run failed:\n${base.err}`);
  writeFileSync(join(tmp, 'notes.txt'), 'these are not weights\n');
  writeFileSync(join(tmp, 'not-json.json'), '{"epochs": 3,');
  writeFileSync(join(tmp, 'array.json'), '[3]');
  writeFileSync(join(tmp, 'unknown-key.json'), '{"epoch": 3}');
  writeFileSync(join(tmp, 'zero-epochs.json'), '{"epochs": 0}');
  writeFileSync(join(tmp, 'a-file'), 'x');
  mkdirSync(join(tmp, 'a-dir.safetensors'));
  const edits: [string, (s: SavedState) => void][] = [
    ['other-app', (s) => (s.app = 'mnist-train')],
    ['batch-size-0', (s) => (s.config.batchSize = 0)],
    ['lr-minus-5', (s) => (s.config.lr = -5)],
    ['lr-string', (s) => (s.config.lr = '0.01')],
    ['epochs-minus-1', (s) => (s.config.epochs = -1)],
    ['log-every-0', (s) => (s.config.logEvery = 0)],
    ['seed-minus-1', (s) => (s.config.seed = -1)],
    ['backend-gpu9', (s) => (s.config.backend = 'gpu9')],
    ['config-null', (s) => (s.config = null)],
    ['step-minus-1', (s) => (s.step = -1)],
    ['epoch-fraction', (s) => (s.epoch = 1.5)],
    ['loss-nan', (s) => (s.running.loss = Number.NaN)],
    ['run-dir-number', (s) => (s.runDir = 42)],
  ];
  for (const [name, edit] of edits)
    await editCheckpoint(ckpt(epochCheckpointName(1)), join(tmp, `${name}.safetensors`), edit);
  const other = new nn.Sequential(new nn.Linear(5, 3));
  await saveModel(other, join(tmp, 'wider.safetensors'));
  other.dispose();
});

interface CliCase {
  what: string;
  argv: () => string[];
  code: 1 | 2;
  /** what the message must name */
  names: string[];
}

const file = (name: string) => join(tmp, name);
const flagCases: CliCase[] = [
  ...(
    [
      [['--epochs=-1'], '--epochs: expected an integer ≥ 1, got "-1"'],
      [['--epochs', '-1'], "--epochs: a value starting with '-' must be written --epochs=VALUE"],
      [['--epochs', '0'], '--epochs: expected an integer ≥ 1, got "0"'],
      [['--epochs', '1.5'], '--epochs: expected an integer ≥ 1, got "1.5"'],
      [['--epochs', 'many'], '--epochs: expected an integer ≥ 1, got "many"'],
      [['--epochs'], '--epochs: expected a value after it'],
      [['--batch-size', '0'], '--batch-size: expected an integer ≥ 1, got "0"'],
      [['--batch-size=-3'], '--batch-size: expected an integer ≥ 1, got "-3"'],
      [['--lr=-5'], '--lr: expected a number > 0, got "-5"'],
      [['--lr', '0'], '--lr: expected a number > 0, got "0"'],
      [['--lr', 'NaN'], '--lr: expected a number > 0, got "NaN"'],
      [['--lr', 'Infinity'], '--lr: expected a number > 0, got "Infinity"'],
      [['--lr', 'fast'], '--lr: expected a number > 0, got "fast"'],
      [['--seed=-1'], '--seed: expected an integer from 0 to 4294967295, got "-1"'],
      [['--seed', '4294967296'], '--seed: expected an integer from 0 to 4294967295, got "4294967296"'],
      [['--log-every', '0'], '--log-every: expected an integer ≥ 1, got "0"'],
      [['--backend', 'gpu9'], '--backend: expected one of'],
      [['--epoch', '3'], 'unknown flag --epoch (did you mean --epochs?)'],
      [['train.py'], "unexpected argument 'train.py'"],
      [['--progress=yes'], '--progress is a switch and takes no value'],
      [['--progress', '--no-progress'], '--progress and --no-progress contradict each other'],
      [['--run-name', '../escape'], '--run-name ../escape: expected a directory name under --log-dir, not a path'],
      [['--run-name', '/tmp/elsewhere'], '--run-name /tmp/elsewhere: expected a directory name under --log-dir'],
    ] as const
  ).map(([argv, message]): CliCase => ({ what: argv.join(' '), argv: () => [...argv], code: 2, names: [message] })),
  {
    what: '--resume and --eval-only together',
    argv: () => ['--resume', ckpt(epochCheckpointName(1)), '--eval-only', ckpt(BEST_MODEL)],
    code: 2,
    names: ['--resume and --eval-only exclude each other'],
  },
  ...(
    [
      ['missing.json', 'cannot read'],
      ['not-json.json', 'is not valid JSON'],
      ['array.json', 'should hold a JSON object of flag values'],
      ['unknown-key.json', 'unknown key "epoch" (did you mean "epochs"?)'],
      ['zero-epochs.json', '"epochs": expected an integer ≥ 1, got 0'],
    ] as const
  ).map(
    ([name, message]): CliCase => ({
      what: `--config ${name}`,
      argv: () => ['--config', file(name)],
      code: 2,
      names: ['--config', file(name), message],
    }),
  ),
  {
    what: '--resume to fewer epochs than the run completed',
    argv: () => ['--resume', ckpt(epochCheckpointName(2)), '--epochs', '1'],
    code: 2,
    names: ['--epochs 1', 'already completed 2 epochs'],
  },
  {
    what: '--resume a completed run without more --epochs',
    argv: () => ['--resume', ckpt(epochCheckpointName(2))],
    code: 2,
    names: ['already completed 2 epochs', '--epochs'],
  },
];

const fileCases: CliCase[] = [
  ...(
    [
      ['missing.safetensors', 'no such file'],
      ['a-dir.safetensors', 'is a directory, expected a file'],
      ['notes.txt', 'not a safetensors file (it starts with text'],
      ['wider.safetensors', 'not a trainkit checkpoint'],
      ['other-app.safetensors', 'not a tiny-train training checkpoint (it was written by mnist-train)'],
      ['batch-size-0.safetensors', 'saved config "batchSize": expected an integer ≥ 1, got 0'],
      ['lr-minus-5.safetensors', 'saved config "lr": expected a number > 0, got -5'],
      ['lr-string.safetensors', 'saved config "lr": expected a number, got "0.01"'],
      ['epochs-minus-1.safetensors', 'saved config "epochs": expected an integer ≥ 1, got -1'],
      ['log-every-0.safetensors', 'saved config "logEvery": expected an integer ≥ 1, got 0'],
      ['seed-minus-1.safetensors', 'saved config "seed": expected an integer from 0 to 4294967295, got -1'],
      ['backend-gpu9.safetensors', 'saved config "backend": expected one of'],
      ['config-null.safetensors', 'its saved config is null'],
      ['step-minus-1.safetensors', 'saved position "step": expected an integer ≥ 0, got -1'],
      ['epoch-fraction.safetensors', 'saved position "epoch": expected an integer ≥ 0, got 1.5'],
      ['loss-nan.safetensors', 'saved running sum "loss": expected a finite number, got null'],
      ['run-dir-number.safetensors', 'not a tiny-train training checkpoint'],
    ] as const
  ).map(
    ([name, message]): CliCase => ({
      what: `--resume ${name}`,
      argv: () => ['--resume', file(name)],
      code: 1,
      names: [`--resume ${file(name)}`, message],
    }),
  ),
  ...(
    [
      ['missing.safetensors', 'no such file'],
      ['notes.txt', 'not a safetensors file'],
      ['batch-size-0.safetensors', 'saved config "batchSize": expected an integer ≥ 1, got 0'],
      ['lr-minus-5.safetensors', 'saved config "lr": expected a number > 0, got -5'],
      ['wider.safetensors', '0.weight: expected shape [3, 4], got [3, 5]'],
    ] as const
  ).map(
    ([name, message]): CliCase => ({
      what: `--eval-only ${name}`,
      argv: () => ['--eval-only', file(name)],
      code: 1,
      names: [`--eval-only ${file(name)}`, message],
    }),
  ),
  {
    what: '--log-dir under a file',
    argv: () => ['--log-dir', join(file('a-file'), 'runs')],
    code: 1,
    names: [join(file('a-file'), 'runs'), 'ENOTDIR', 'not a directory'],
  },
  {
    what: '--checkpoint-dir under a file',
    argv: () => ['--log-dir', logs, '--checkpoint-dir', join(file('a-file'), 'ckpt')],
    code: 1,
    names: [join(file('a-file'), 'ckpt'), 'ENOTDIR'],
  },
  {
    what: '--run-name of a directory that holds a run',
    argv: () => ['--log-dir', logs, '--run-name', 'base'],
    code: 1,
    names: [`run directory ${join(logs, 'base')} already holds a run`],
  },
  {
    what: 'a loss that becomes NaN (step 7, in epoch 2)',
    argv: () => ['--log-dir', logs, '--run-name', 'diverged', '--diverge-at', '7'],
    code: 1,
    names: [
      'training diverged: the loss is NaN at step 7 (epoch 2)',
      `the last good checkpoint is ${join(logs, 'diverged', 'checkpoints', epochCheckpointName(1))}`,
    ],
  },
];

interface ApiCase {
  what: string;
  call: () => unknown;
  names: string[];
}

const x = (...shape: number[]) => tf.zeros(shape);
const apiCases: ApiCase[] = [
  {
    what: 'Linear given too many features',
    call: () => new nn.Linear(4, 3).call(x(2, 5)),
    names: ['Linear', '[2, 5]', '4'],
  },
  {
    what: 'a Sequential whose layers do not fit',
    call: () => new nn.Sequential(new nn.Linear(4, 8), new nn.Linear(9, 3)).call(x(2, 4)),
    names: ["Linear '1'", '[2, 8]', '9'],
  },
  {
    what: 'Conv2d given 1 channel for 3',
    call: () => new nn.Conv2d(3, 8, 3).call(x(1, 1, 32, 32)),
    names: ['Conv2d', '[1, 1, 32, 32]', '3'],
  },
  {
    what: 'Conv2d given a 2-d input',
    call: () => new nn.Conv2d(3, 8, 3).call(x(32, 32)),
    names: ['Conv2d', '[32, 32]'],
  },
  {
    what: 'Conv2d kernel larger than the image',
    call: () => new nn.Conv2d(1, 1, 5).call(x(1, 1, 3, 3)),
    names: ['Conv2d', '[1, 1, 3, 3]'],
  },
  {
    what: 'MaxPool2d window larger than the image',
    call: () => new nn.MaxPool2d(4).call(x(1, 1, 2, 2)),
    names: ['MaxPool2d', '[1, 1, 2, 2]'],
  },
  {
    what: 'CrossEntropyLoss with one target too few',
    call: () => new nn.CrossEntropyLoss().forward(x(4, 3), tf.tensor1d([0, 1, 2], 'int32')),
    names: ['CrossEntropyLoss', '[4, 3]', '[3]'],
  },
  {
    what: 'CrossEntropyLoss with a class out of range',
    call: () => new nn.CrossEntropyLoss().forward(x(2, 3), tf.tensor1d([0, 5], 'int32')),
    names: ['CrossEntropyLoss', '5'],
  },
  {
    what: 'SGD with lr -5',
    call: () => new optim.SGD(new nn.Linear(2, 2).parameters(), { lr: -5 }),
    names: ['SGD', 'Invalid learning rate: -5'],
  },
  {
    what: 'SGD with momentum -1',
    call: () => new optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 0.1, momentum: -1 }),
    names: ['SGD', 'momentum', '-1'],
  },
  {
    what: 'Adam with beta 1.5',
    call: () => new optim.Adam(new nn.Linear(2, 2).parameters(), { lr: 0.1, betas: [1.5, 0.9] }),
    names: ['Adam', 'beta', '1.5'],
  },
  {
    what: 'DataLoader with batch size 0',
    call: () => new DataLoader(new TensorDataset(x(4, 2)), { batchSize: 0 }),
    names: ['batchSize', '0'],
  },
];

/** A message that explains itself: it names what it must, and carries no stack trace and no JavaScript internals. */
function unclear(message: string, names: string[]): string[] {
  const problems = names.filter((n) => !message.includes(n)).map((n) => `does not name "${n}"`);
  if (/\n\s+at /.test(message)) problems.push('prints a stack trace');
  if (/Cannot read propert|is not a function|is not iterable|\[object /.test(message))
    problems.push('an internal error');
  return problems;
}

const leftovers = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp')) : [];

describe('misuse of the command line and the API', () => {
  it(`is refused clearly: ${flagCases.length + fileCases.length} command lines, ${apiCases.length} API calls`, async () => {
    const failures: string[] = [];
    let clear = 0;
    for (const c of [...flagCases, ...fileCases]) {
      const { code, err } = await runTiny(['--log-dir', logs, ...c.argv()]);
      const problems = unclear(err, c.names);
      if (code !== c.code) problems.push(`exit code ${code}, expected ${c.code}`);
      if (problems.length === 0) clear++;
      else failures.push(`${c.what}: ${problems.join('; ')}\n${err}`);
    }
    for (const c of apiCases) {
      let error: unknown;
      try {
        c.call();
      } catch (e) {
        error = e;
      }
      const problems =
        error === undefined
          ? ['no error']
          : error instanceof TypeError || error instanceof RangeError || !(error instanceof Error)
            ? [`a ${(error as Error)?.name ?? typeof error}: ${String((error as Error)?.message ?? error)}`]
            : unclear(error.message, c.names);
      if (problems.length === 0) clear++;
      else failures.push(`${c.what}: ${problems.join('; ')}\n${(error as Error)?.message ?? ''}`);
    }
    const tried = flagCases.length + fileCases.length + apiCases.length;
    console.log(`CLI/API misuse: ${tried} tried, ${clear} refused clearly`);
    for (const f of failures) console.log(`  ${f}`);
    expect(failures).toEqual([]);
    expect(leftovers(tmp)).toEqual([]);
    expectReliabilityFigure('CLI and API misuse', `${clear}/${tried}`);
  });

  it('a diverged run keeps its last good checkpoint whole, and writes none after it', async () => {
    const dir = join(logs, 'diverged', 'checkpoints');
    expect(readdirSync(dir).sort()).toEqual([BEST_MODEL, epochCheckpointName(1)]);
    const model = new nn.Sequential(new nn.Linear(4, 3));
    const { step } = await loadCheckpoint(join(dir, epochCheckpointName(1)), { model });
    expect(step).toBe(5);
    model.dispose();
  });
});
