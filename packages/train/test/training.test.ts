import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn, optim, tf, useBackend } from '@trainkit/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../../tools/testing/capture-output.js';
import {
  CliError,
  changedSettings,
  createRunDirectory,
  deriveSeed,
  describeCliError,
  disposeTraining,
  divergedError,
  EPOCH_STREAMS,
  epochCheckpointName,
  explainFailure,
  formatHelp,
  InterruptGuard,
  parseFlags,
  RunCheckpoints,
  RunManifest,
  readTrainingState,
  resumedConfig,
  runEnvironment,
  runTrainingCli,
  seedEpoch,
  stepCheckpointName,
  TrainingRun,
  timestampRunName,
  trainingFlags,
  UsageError,
} from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-training-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SPECS = {
  ...trainingFlags({ epochs: 10, batchSize: 64, lr: 0.01, logDir: 'runs', dataDir: 'data' }),
  optimizer: { type: 'choice', choices: ['sgd', 'adam'], default: 'sgd', help: 'optimizer' },
  augment: { type: 'boolean', default: false, help: 'augment' },
} as const;

function usage(argv: string[]): string {
  try {
    parseFlags(argv, SPECS);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be a usage error`);
}

describe('parseFlags', () => {
  it('gives defaults, parses typed values and records what was set explicitly', () => {
    const { values, explicit, help } = parseFlags(
      ['--epochs', '3', '--lr=1e-3', '--optimizer', 'adam', '--augment', '--no-download'],
      SPECS,
    );
    expect(values).toMatchObject({
      epochs: 3,
      lr: 0.001,
      optimizer: 'adam',
      augment: true,
      download: false,
      batchSize: 64,
      seed: 0,
    });
    expect(values.resume).toBeUndefined();
    expect([...explicit].sort()).toEqual(['augment', 'download', 'epochs', 'lr', 'optimizer']);
    expect(help).toBe(false);
    expect(parseFlags(['-h'], SPECS).help).toBe(true);
  });

  it('rejects bad values, naming the flag and the value', () => {
    expect(usage(['--epochs', '2.5'])).toBe('--epochs: expected an integer ≥ 1, got "2.5"');
    expect(usage(['--batch-size', '-3'])).toMatch(
      /--batch-size: a value starting with '-' must be written --batch-size=VALUE/,
    );
    expect(usage(['--batch-size=-3'])).toBe('--batch-size: expected an integer ≥ 1, got "-3"');
    expect(usage(['--lr', '0'])).toBe('--lr: expected a number > 0, got "0"');
    expect(usage(['--seed', 'abc'])).toBe('--seed: expected an integer from 0 to 4294967295, got "abc"');
    expect(usage(['--optimizer', 'lbfgs'])).toBe('--optimizer: expected one of sgd, adam, got "lbfgs"');
    expect(usage(['--augment=yes'])).toMatch(/--augment is a switch and takes no value/);
    expect(usage(['--augment', '--no-augment'])).toMatch(/contradict/);
    expect(usage(['--lr'])).toBe('--lr: expected a value after it (--lr VALUE)');
  });

  it('rejects unknown flags with the nearest known one, and positional arguments', () => {
    expect(usage(['--batchsize', '3'])).toBe('unknown flag --batchsize (did you mean --batch-size?)');
    expect(usage(['--zzzzzz'])).toBe('unknown flag --zzzzzz');
    expect(usage(['data'])).toMatch(/unexpected argument 'data'/);
  });

  it('reads a JSON config file, which command-line flags override', () => {
    const file = join(tmp, 'config.json');
    writeFileSync(file, JSON.stringify({ epochs: 4, 'batch-size': 8, augment: true, lr: 0.5 }));
    const { values, explicit, configFile } = parseFlags(['--config', file, '--lr', '0.1'], SPECS);
    expect(values).toMatchObject({ epochs: 4, batchSize: 8, augment: true, lr: 0.1 });
    expect(explicit.has('epochs')).toBe(true);
    expect(configFile).toBe(file);
    writeFileSync(file, JSON.stringify({ epochs: '4x' }));
    expect(usage(['--config', file])).toBe(`--config ${file}: "epochs": expected an integer ≥ 1, got "4x"`);
    writeFileSync(file, '{"epochs": 4,');
    expect(usage(['--config', file])).toMatch(/is not valid JSON/);
    expect(usage(['--config', join(tmp, 'none.json')])).toMatch(/cannot read .*none\.json \(ENOENT\)/);
  });

  it('formats a help text listing every flag with its default', () => {
    const help = formatHelp(SPECS, { program: 'train', description: 'Trains.', epilog: 'Example: train --epochs 1' });
    expect(help).toMatch(/^Usage: train \[flags\]/);
    for (const line of [
      '--epochs N',
      '(default: 10)',
      '--optimizer sgd|adam',
      '--download, --no-download',
      '(default: on)',
      '--config FILE',
      '-h, --help',
      'Example: train',
    ]) {
      expect(help).toContain(line);
    }
  });
});

describe('InterruptGuard', () => {
  it('asks the loop to stop on the first signal and exits with 128 + signo on the second', async () => {
    const exits: number[] = [];
    const told: string[] = [];
    const guard = new InterruptGuard({
      signals: ['SIGUSR2'],
      exit: (code) => exits.push(code),
      onRequest: (s) => told.push(s),
    });
    try {
      expect(guard.requested).toBe(false);
      expect(await guard.check()).toBe(false);
      process.emit('SIGUSR2');
      expect(guard.requested).toBe(true);
      expect(await guard.check()).toBe(true);
      expect(told).toEqual(['SIGUSR2']);
      expect(exits).toEqual([]);
      process.emit('SIGUSR2');
      expect(exits).toEqual([128 + 12]);
      expect(InterruptGuard.exitCode('SIGINT')).toBe(130);
    } finally {
      guard.dispose();
    }
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });
});

describe('run helpers', () => {
  it('deriveSeed is a pure function of its inputs and separates neighbours', () => {
    expect(deriveSeed(0, 1, 1)).toBe(deriveSeed(0, 1, 1));
    const seeds = new Set([deriveSeed(0, 0), deriveSeed(0, 1), deriveSeed(1, 0), deriveSeed(0, 0, 0), deriveSeed(0)]);
    expect(seeds.size).toBe(5);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    const grid = new Set<number>();
    for (let seed = 0; seed < 20; seed++)
      for (let epoch = 0; epoch < 20; epoch++) for (const stream of [1, 2]) grid.add(deriveSeed(seed, epoch, stream));
    expect(grid.size).toBe(800);
  });

  it('resumedConfig keeps the saved config except for explicit flags', () => {
    const current = { epochs: 20, lr: 0.1, seed: 0 };
    expect(resumedConfig({ epochs: 10, lr: 0.01, seed: 3 }, current, ['epochs'])).toEqual({
      epochs: 20,
      lr: 0.01,
      seed: 3,
    });
  });

  it('changedSettings lists what alters the computation, not where things go or how long it runs', () => {
    const saved = { epochs: 10, lr: 0.01, seed: 0, dataDir: '/a', progress: true };
    expect(changedSettings(saved, { epochs: 20, lr: 0.1, seed: 0, dataDir: '/b', progress: false })).toEqual([
      'lr 0.01 → 0.1',
    ]);
    expect(changedSettings(undefined, { lr: 1 })).toEqual([]);
  });

  it('createRunDirectory names runs by start time and refuses a named directory holding a run', async () => {
    expect(timestampRunName(new Date(2025, 0, 2, 3, 4, 5))).toBe('20250102-030405');
    const dir = await createRunDirectory(tmp, 'r1');
    expect(existsSync(dir)).toBe(true);
    writeFileSync(join(dir, 'events.out.tfevents.1.host.1.0'), '');
    await expect(createRunDirectory(tmp, 'r1')).rejects.toThrow(/already holds a run.*--run-name.*--resume/);
    const auto = await createRunDirectory(join(tmp, 'auto'));
    expect(auto).toMatch(/\d{8}-\d{6}$/);
  });

  it('disposeTraining frees the model, its gradients and the optimizer state', async () => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const optimizer = new optim.Adam(model.parameters(), { amsgrad: true });
    const x = tf.ones([5, 4]);
    optimizer.step(() => tf.mean(model.call(x)));
    x.dispose();
    expect(optimizer.state.size).toBe(4);
    disposeTraining(model, optimizer);
    expect(optimizer.state.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('describeCliError: usage 2, explained failures 1 without stack, bugs 1 with stack', async () => {
    expect(describeCliError(new UsageError('--x: bad'))).toEqual({ message: '--x: bad', exitCode: 2 });
    expect(describeCliError(new CliError('no data'))).toEqual({ message: 'no data', exitCode: 1 });
    const bug = describeCliError(new TypeError('x is undefined'));
    expect(bug.exitCode).toBe(1);
    expect(bug.message).toMatch(/TypeError: x is undefined\n\s+at /);
    await expect(
      explainFailure('--resume', join(tmp, 'x.safetensors'), () =>
        Promise.reject(Object.assign(new Error('ENOENT: …'), { code: 'ENOENT' })),
      ),
    ).rejects.toThrow(`--resume ${join(tmp, 'x.safetensors')}: no such file`);
    await expect(
      explainFailure('--resume', 'a.st', () => Promise.reject(new Error('a.st: not a checkpoint'))),
    ).rejects.toThrow(/^--resume a.st: not a checkpoint$/);
  });

  it('RunManifest records config, versions, backend and git, and rewrites itself', async () => {
    const env = runEnvironment({ packages: ['@tensorflow/tfjs', 'not-a-package-xyz'], from: import.meta.url });
    expect(env.packages['@tensorflow/tfjs']).toBe('4.22.0');
    expect(env.packages['not-a-package-xyz']).toBeNull();
    expect(env.tfjs).toBe('4.22.0');
    expect(env.git === null || /^[0-9a-f]{40}$/.test(env.git.commit)).toBe(true);
    const path = join(tmp, 'manifest.json');
    const manifest = new RunManifest(path, { app: 'test', config: { epochs: 1 }, seed: 7, from: import.meta.url });
    await manifest.write('running');
    await manifest.write('completed', { results: { accuracy: 0.5 } });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      app: 'test',
      status: 'completed',
      seed: 7,
      config: { epochs: 1 },
      results: { accuracy: 0.5 },
    });
  });
});

describe('training run scaffolding', () => {
  const tiny = { backend: 'cpu' as const, epochs: 2, seed: 0, logEvery: 1, progress: false };
  const makeModel = () => new nn.Sequential(new nn.Linear(2, 1));

  it('seedEpoch reseeds the shuffle and augmentation streams from (seed, epoch) alone', () => {
    const seeds: Record<string, number> = {};
    seedEpoch(3, 4, {
      shuffle: { manualSeed: (s) => (seeds.shuffle = s) },
      augment: { manualSeed: (s) => (seeds.augment = s) },
    });
    expect(seeds).toEqual({
      shuffle: deriveSeed(3, 4, EPOCH_STREAMS.shuffle),
      augment: deriveSeed(3, 4, EPOCH_STREAMS.augment),
    });
  });

  it('starts, checkpoints and resumes a run: config merged, paths absolute, weights restored', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const logDir = join(tmp, 'scaffold');
    const flags = { ...tiny, logDir, lr: 0.5 };
    const start = (config: typeof flags & { resume?: string }, app = 'tiny') =>
      ({ app, config, paths: ['logDir'], from: import.meta.url }) as const;
    const run = await TrainingRun.start(start(flags), { log });
    expect(lines[0]).toMatch(/^backend: /);
    const model = makeModel();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.5 });
    await run.setup({ model, optimizer, datasets: {}, graphInput: [1, 2] });
    await run.writer.close();
    expect(run.state).toMatchObject({ app: 'tiny', epoch: 0, batch: 0, step: 0, history: [], runDir: run.runDir });
    expect(existsSync(run.checkpointDir)).toBe(true);

    const writer = {
      flushes: 0,
      async flushed() {
        this.flushes++;
      },
    };
    const checkpoints = new RunCheckpoints(run.checkpointDir, { model, optimizer, state: run.state, writer });
    expect(checkpoints.resumeHint('tiny')).toBe('stopped before the first step: nothing to save');
    run.state.step = 3;
    run.state.batch = 3;
    expect(await checkpoints.saveStop(5)).toBe(
      `stopped at step 3 (epoch 1, batch 3/5); saved ${join(run.checkpointDir, stepCheckpointName(3))}`,
    );
    const record = { epoch: 1, step: 5, trainLoss: 0.25, trainSeconds: 1, epochSeconds: 1, imagesPerSecond: 1 };
    Object.assign(run.state, { epoch: 1, batch: 0, step: 5, history: [record] });
    const epochPath = await checkpoints.saveEpoch();
    expect(epochPath).toBe(join(run.checkpointDir, epochCheckpointName(1)));
    expect(writer.flushes).toBe(2);
    expect(checkpoints.resumeHint('tiny')).toBe(`resume with: tiny --resume ${epochPath}`);
    expect(await readTrainingState(epochPath, 'tiny')).toMatchObject({ epoch: 1, step: 5, history: [record] });
    const weights = model.parameters().map((p) => Array.from(p.data.dataSync()));
    disposeTraining(model, optimizer);

    // resuming: the checkpoint's config, except the flags set explicitly now; its run directory; its weights
    lines.length = 0;
    const resumeFlags = { ...tiny, logDir: 'elsewhere', lr: 0.1, resume: epochPath };
    const resumed = await TrainingRun.start(start(resumeFlags), { log, explicit: ['lr'] });
    expect(resumed.config).toMatchObject({ logDir, lr: 0.1, resume: epochPath });
    const model2 = makeModel();
    const optimizer2 = new optim.SGD(model2.parameters(), { lr: 0.1 });
    await resumed.setup({ model: model2, optimizer: optimizer2, datasets: {}, graphInput: [1, 2] });
    await resumed.writer.close();
    expect(resumed.runDir).toBe(run.runDir);
    expect(resumed.state).toMatchObject({ epoch: 1, step: 5, history: [record], config: { lr: 0.1 } });
    expect(model2.parameters().map((p) => Array.from(p.data.dataSync()))).toEqual(weights);
    expect(lines).toContainEqual(`resumed from ${epochPath}: step 5, after epoch 1`);
    expect(lines.some((l) => l.startsWith('note: continuing with changed settings (lr 0.5 → 0.1)'))).toBe(true);
    expect(
      new RunCheckpoints(resumed.checkpointDir, {
        model: model2,
        optimizer: optimizer2,
        state: resumed.state,
        writer,
        last: epochPath,
      }).last,
    ).toBe(epochPath);
    disposeTraining(model2, optimizer2);
    await expect(TrainingRun.start(start(resumeFlags, 'other'), { log })).rejects.toThrow(
      /not a other training checkpoint/,
    );
    expect(divergedError(Number.NaN, resumed.state, 0.1).message).toBe(
      'training diverged: the loss is NaN at step 6 (epoch 2); try a lower --lr (it is 0.1)',
    );
  });

  it('runTrainingCli dispatches --eval-only to evaluation and everything else to training', async () => {
    const calls: string[] = [];
    const program = {
      name: 'tiny',
      help: 'usage: tiny\n',
      parse: (argv: readonly string[]) => ({
        config: argv[0] === 'eval' ? { evalOnly: 'ckpt' } : {},
        explicit: new Set<string>(argv),
        help: false,
      }),
      evaluateOnly: async () => calls.push('eval'),
      train: async (_config: object, options: { explicit: Set<string>; command?: string }) => {
        calls.push(`train ${[...options.explicit].join(',')} ${options.command}`);
        return { exitCode: 130 };
      },
    };
    expect(await runTrainingCli(program, ['eval'])).toBe(0);
    expect(await runTrainingCli(program, ['x'], { command: 'pnpm start --' })).toBe(130);
    expect(calls).toEqual(['eval', 'train x pnpm start --']);
  });

  it("runTrainingCli prints a start script's notice only when it trains or evaluates: --help comes first and alone", async () => {
    const program = {
      name: 'tiny',
      help: 'usage: tiny\n',
      parse: (argv: readonly string[]) => {
        if (argv.includes('--bad')) throw new UsageError('unknown flag --bad');
        return {
          config: argv.includes('eval') ? { evalOnly: 'ckpt' } : {},
          explicit: new Set<string>(),
          help: argv.includes('--help'),
        };
      },
      evaluateOnly: async () => process.stdout.write('evaluated\n'),
      train: async () => {
        process.stdout.write('trained\n');
        return { exitCode: 0 };
      },
    };
    const options = { notice: 'pnpm start: training on the sample' };
    const outputs: [number, string, string][] = [];
    for (const argv of [['--help'], ['--bad'], [], ['eval']]) {
      const { result: code, out, err } = await captureOutput(() => runTrainingCli(program, argv, options));
      outputs.push([code, out, err]);
    }
    expect(outputs).toEqual([
      [0, 'usage: tiny\n', ''],
      [2, '', 'tiny: unknown flag --bad\nRun tiny --help for the flags.\n'],
      [0, 'pnpm start: training on the sample\ntrained\n', ''],
      [0, 'pnpm start: training on the sample\nevaluated\n', ''],
    ]);
  });

  it('--version prints the program version (exit 0); a program without one calls it an unknown flag (exit 2)', async () => {
    expect(parseFlags(['--version'], SPECS).version).toBe(true);
    expect(parseFlags([], SPECS).version).toBe(false);
    expect(formatHelp(SPECS, { program: 'train', version: '1.2.3' })).toContain('  --version');
    expect(formatHelp(SPECS, { program: 'train' })).not.toContain('--version');
    let out = '';
    let err = '';
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    const program = (version?: string) => ({
      name: 'tiny',
      help: 'usage: tiny\n',
      ...(version ? { version } : {}),
      parse: (argv: readonly string[]) => ({
        config: {},
        explicit: new Set<string>(),
        help: false,
        version: argv.includes('--version'),
      }),
      evaluateOnly: async () => {},
      train: async () => ({ exitCode: 1 }),
    });
    const codes: number[] = [];
    try {
      codes.push(await runTrainingCli(program('1.2.3'), ['--version']));
      codes.push(await runTrainingCli(program(), ['--version']));
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect([codes, out, err]).toEqual([
      [0, 2],
      '1.2.3\n',
      'tiny: unknown flag --version\nRun tiny --help for the flags.\n',
    ]);
  });
});
