import { backward, loadCheckpoint, manualSeed, nn, optim, saveCheckpoint, tf } from '@trainkit/core';
import { DataLoader, TensorDataset } from '@trainkit/data';
import { evaluate } from '@trainkit/metrics';
import { captureOutput } from '../../../tools/testing/capture-output.js';
import { type FlagValues, runTrainingCli, TrainingRun, trainingCommand } from '../src/index.js';
import { evaluateWeights } from '../src/run/evaluate-weights.js';

// The smallest training program with trainkit's command line: a linear classifier on 40 points, its loop as a
// tutorial writes it, run in-process with stdout and stderr captured. The fault campaigns drive it as a user would.

export const TINY = trainingCommand({
  program: 'tiny-train',
  description: 'a linear classifier on 40 points',
  examples: [],
  defaults: { epochs: 2, batchSize: 8, lr: 0.1, logDir: 'runs/tiny', dataDir: '.' },
  flags: {
    lossScale: { type: 'number', default: 1, help: 'multiplies the loss (NaN makes it diverge at --diverge-at)' },
    divergeAt: { type: 'int', min: 1, help: 'the step whose loss becomes NaN' },
  },
});
export type TinyConfig = FlagValues<typeof TINY.flags>;

/** What a test does between epochs (fill the disk), after the epoch's checkpoint. */
export const tinyHooks: { afterEpoch?: (epoch: number) => void } = {};

function data(): { train: TensorDataset; test: TensorDataset } {
  manualSeed(1);
  const x = tf.randomNormal([40, 4], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: 40 }, (_, i) => i % 3),
    'int32',
  );
  return { train: new TensorDataset(x, y), test: new TensorDataset(x.slice([0], [12]), y.slice([0], [12])) };
}

export async function trainTiny(config: TinyConfig, options: { explicit?: Iterable<keyof TinyConfig> } = {}) {
  const start = {
    app: 'tiny-train',
    config,
    flags: TINY.flags,
    paths: ['logDir', 'checkpointDir'] as const,
    from: import.meta.url,
  };
  const run = await TrainingRun.start(start, { ...options, log: () => {}, handleSignals: false });
  const { train, test } = data();
  const trainLoader = new DataLoader(train, {
    batchSize: run.config.batchSize,
    shuffle: true,
    generator: run.shuffleGenerator,
  });
  const testLoader = new DataLoader(test, { batchSize: run.config.batchSize });
  const model = new nn.Sequential(new nn.Linear(4, 3));
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: run.config.lr, momentum: 0.9 });
  await run.setup({ model, optimizer, datasets: { train: '40 points' }, graphInput: [1, 4] });
  return run.fit(async () => {
    for (const _epoch of run.epochs()) {
      model.train();
      for await (const [x, y] of run.batches(trainLoader, { images: false })) {
        optimizer.zeroGrad();
        const scale = run.state.step + 1 === run.config.divergeAt ? Number.NaN : run.config.lossScale;
        const loss = backward(() => lossFn.forward(model.call(x!), y!).mul(scale), model.parameters());
        optimizer.step();
        run.step(loss, x!.shape[0]!);
      }
      const result = await evaluate(model, testLoader, lossFn);
      await run.endEpoch({ testLoss: result.loss, testAccuracy: result.accuracy }, { best: ['testLoss', 'min'] });
      tinyHooks.afterEpoch?.(run.state.epoch);
    }
    if (run.completed) {
      const last = run.state.history.at(-1);
      run.addHparams({ lr: run.config.lr, epochs: run.config.epochs }, { 'hparam/test_loss': last?.testLoss ?? null });
    }
    return undefined;
  });
}

const evaluateTiny = (config: TinyConfig) =>
  evaluateWeights(
    config,
    async () => ({
      model: new nn.Sequential(new nn.Linear(4, 3)),
      test: data().test,
      description: '12 points',
      classes: ['a', 'b', 'c'],
    }),
    () => {},
  );

/** Runs tiny-train as its CLI would, in-process: the exit code and what it printed. */
export async function runTiny(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const {
    result: code,
    out,
    err,
  } = await captureOutput(() =>
    runTrainingCli(
      { name: 'tiny-train', help: TINY.help, parse: TINY.parseArgs, evaluateOnly: evaluateTiny, train: trainTiny },
      ['--backend', 'cpu', '--no-progress', ...argv],
    ),
  );
  return { code, out, err };
}

// biome-ignore lint/suspicious/noExplicitAny: the campaign edits saved states as free-form JSON
export type SavedState = Record<string, any>;

/** A copy of checkpoint `from` at `to` whose saved training state is changed by `edit`. */
export async function editCheckpoint(from: string, to: string, edit: (state: SavedState) => void) {
  const model = new nn.Sequential(new nn.Linear(4, 3));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const { extra, epoch, step } = await loadCheckpoint(from, { model, optimizer });
  const state = structuredClone(extra) as SavedState;
  edit(state);
  await saveCheckpoint(to, { model, optimizer, epoch: epoch ?? 0, step: step ?? 0, rng: null, extra: state });
  model.dispose();
  optimizer.dispose();
}
