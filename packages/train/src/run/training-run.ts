import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type BackendName,
  Generator,
  manualSeed,
  type nn,
  type optim,
  removeStaleTemporaries,
  tf,
} from '@trainkit/core';
import { Timer, throughput } from '@trainkit/metrics';
import { isS3Url, joinPath, SummaryWriter } from '@trainkit/tensorboard';
import { type Figure, type PngOptions, type ProgressBar, type ProgressStream, progress } from '@trainkit/viz';
import { explainFailure } from '../cli/cli-errors.js';
import { type FlagSpecs, UsageError } from '../cli/flags.js';
import { epochLine, snakeCase } from './epoch-line.js';
import { type InterruptGuard, onInterrupt } from './interrupt.js';
import { divergedError, RunCheckpoints } from './run-checkpoints.js';
import { changedSettings, createRunDirectory, resumedConfig } from './run-directory.js';
import { loadRunCheckpoint, writeRunFile } from './run-files.js';
import { logEpochEnd, logGraph } from './run-logs.js';
import { MANIFEST_FILE, RunManifest } from './run-manifest.js';
import { seedEpoch } from './seeds.js';
import { selectBackend } from './select-backend.js';
import { disposeTraining, type EpochRecord, type RunState, readTrainingState } from './training-state.js';
import { TrainingStopped } from './training-stopped.js';

/** The flags (see trainingFlags) that a TrainingRun reads. */
export interface TrainingRunConfig {
  epochs: number;
  seed: number;
  logEvery: number;
  progress: boolean;
  /** in the message of a diverged run */
  lr: number;
  backend?: BackendName | undefined;
  resume?: string | undefined;
  logDir: string;
  runName?: string | undefined;
  checkpointDir?: string | undefined;
}

/** How a program's train() is called: by its CLI, or by a test or script. */
export interface TrainingOptions<F extends string = string> {
  /** flags the user set; on --resume they win over the checkpoint's saved config (e.g. more --epochs) */
  explicit?: Iterable<F>;
  /** where messages go (default console.log) */
  log?: (line: string) => void;
  /** install the Ctrl-C handler (default true) */
  handleSignals?: boolean;
  /** how the user runs this program, for the resume hint (default: the program's name) */
  command?: string;
  /** where progress bars go (default stderr) */
  progressStream?: ProgressStream;
}

export interface StartOptions<C extends TrainingRunConfig> {
  /** the program, as its checkpoints and manifest record it (a checkpoint of another program is refused) */
  app: string;
  /** the parsed flags */
  config: C;
  /** the config's path flags, made absolute so that a run resumes from any working directory */
  paths?: readonly (keyof C)[];
  /** a file of the program (its `import.meta.url`): the manifest resolves package versions and git state from it */
  from: string | URL;
  /** the program's flag specs: a --resume checkpoint's saved config is checked against them (default trainingFlags()) */
  flags?: FlagSpecs;
}

export interface SetupOptions {
  model: nn.Module;
  optimizer: optim.Optimizer<optim.BaseOptions>;
  /** what each split was loaded from, for the manifest */
  datasets: Record<string, string>;
  /** the shape the model's graph is traced with for TensorBoard's Graphs tab, e.g. [1, 3, 32, 32] */
  graphInput: readonly number[];
}

export interface BatchesOptions {
  /** the first batch's images as logged to TensorBoard (default: the inputs as they are); false logs none */
  images?: ((x: tf.Tensor) => tf.Tensor) | false;
}

export interface EndEpochOptions {
  /** the metric that picks best.safetensors, and whether higher or lower is better */
  best?: readonly [metric: string, mode: 'max' | 'min'];
}

/** What fit() returns: where the run wrote, where it stands, and what the program's loop returned. */
export type TrainingResult<C extends object, R, M extends string = string> = Partial<R> & {
  /** 0 when every epoch ran, 128 + the signal (130 for Ctrl-C) when a signal stopped it after saving a checkpoint */
  exitCode: number;
  runDir: string;
  checkpointDir: string;
  /** the checkpoint written last: where to --resume from */
  lastCheckpoint: string | undefined;
  state: RunState<C, M>;
};

/** The program's handles once setup() ran. */
interface Attached {
  model: nn.Module;
  optimizer: optim.Optimizer<optim.BaseOptions>;
  writer: SummaryWriter;
  manifest: RunManifest;
  checkpoints: RunCheckpoints;
  graphInput: readonly number[];
}

/**
 * Everything around a training loop, while the loop itself stays in the program (as Lightning Fabric does it):
 * the backend, seeds, the run directory, TensorBoard logs, checkpoints, resuming exactly, Ctrl-C, progress bars and
 * the run manifest. A program reads like the tutorial's train.py:
 *
 * ```ts
 * const run = await TrainingRun.start({ app: 'cifar-train', config, from: import.meta.url }, options);
 * // … data (shuffled by run.shuffleGenerator), model, lossFn, optimizer …
 * await run.setup({ model, optimizer, datasets, graphInput: [1, 3, 32, 32] });
 * return run.fit(async () => {
 *   for (const _ of run.epochs()) {
 *     model.train();
 *     for await (const [imgs, targets] of run.batches(trainLoader)) {
 *       optimizer.zeroGrad();
 *       const loss = backward(() => lossFn.forward(model.call(imgs), targets), model.parameters());
 *       optimizer.step();
 *       run.step(loss, imgs.shape[0]!);
 *     }
 *     const test = await evaluate(model, testLoader, lossFn);
 *     await run.endEpoch({ testLoss: test.loss, testAccuracy: test.accuracy }, { best: ['testAccuracy', 'max'] });
 *   }
 * });
 * ```
 */
export class TrainingRun<C extends TrainingRunConfig, M extends string = string> {
  /** the flags, or on --resume the checkpoint's config with the flags the user set winning */
  readonly config: C;
  readonly log: (line: string) => void;
  /** the data order: give it to the training DataLoader; reseeded from (seed, epoch) at each epoch */
  readonly shuffleGenerator: Generator;
  /** random augmentation: give it to the transforms; reseeded from (seed, epoch) at each epoch */
  readonly augmentGenerator: Generator;
  readonly #app: string;
  readonly #from: string | URL;
  readonly #options: TrainingOptions;
  readonly #resumed: RunState<C, M> | undefined;
  #state: RunState<C, M> | undefined;
  #attached: Attached | undefined;
  #interrupt: InterruptGuard | undefined;
  #bar: ProgressBar | undefined;
  /** times the epoch under way: its batches, then the rest until endEpoch */
  #epochTimer: Timer | undefined;
  #trainSeconds = 0;
  #images = 0;

  private constructor(
    app: string,
    from: string | URL,
    config: C,
    resumed: RunState<C, M> | undefined,
    options: TrainingOptions,
  ) {
    this.#app = app;
    this.#from = from;
    this.config = config;
    this.#resumed = resumed;
    this.#options = options;
    this.log = options.log ?? ((line: string) => console.log(line));
    // Every random stream derives from the seed: the initial weights from the default generator, seeded here
    // before the program builds its model, and the data order and augmentation from their own generators.
    manualSeed(config.seed);
    this.shuffleGenerator = new Generator(config.seed);
    this.augmentGenerator = new Generator(config.seed);
  }

  /**
   * Selects the backend (and logs it), reads the --resume checkpoint's state (refusing another program's) and
   * merges its config with the flags the user set, then seeds the run.
   */
  static async start<C extends TrainingRunConfig, M extends string = string>(
    { app, config: flags, paths = [], from, flags: specs }: StartOptions<C>,
    options: TrainingOptions<Extract<keyof C, string>> = {},
  ): Promise<TrainingRun<C, M>> {
    const log = options.log ?? ((line: string) => console.log(line));
    await selectBackend(flags.backend, log);
    const resumePath = flags.resume;
    const resumed =
      resumePath === undefined
        ? undefined
        : await explainFailure('--resume', resumePath, () => readTrainingState<C, M>(resumePath, app, specs));
    const config = resumed ? resumedConfig(resumed.config, flags, options.explicit ?? []) : { ...flags };
    if (resumed && config.epochs <= resumed.epoch) {
      // nothing would train: said rather than "completed" a second time (with its report and hparams again)
      throw new UsageError(
        `--epochs ${config.epochs}: the run of ${resumePath} already completed ${resumed.epoch} epochs; give --epochs N with N > ${resumed.epoch} to train it further`,
      );
    }
    for (const key of paths) {
      const value = config[key];
      if (typeof value === 'string') config[key] = absolute(value) as C[keyof C];
    }
    return new TrainingRun<C, M>(app, from, config, resumed, { ...options, log });
  }

  /** Where the run stands; set up by setup(). */
  get state(): RunState<C, M> {
    if (!this.#state) throw new Error('TrainingRun: call setup() before using the run state');
    return this.#state;
  }

  /** The run's TensorBoard writer (in the run directory), for what the program logs besides the run's own scalars. */
  get writer(): SummaryWriter {
    return this.#handles().writer;
  }

  get runDir(): string {
    return this.state.runDir;
  }

  get checkpointDir(): string {
    return this.state.checkpointDir;
  }

  /** true once every epoch ran (false after a stop) */
  get completed(): boolean {
    return this.state.epoch >= this.config.epochs;
  }

  /**
   * Once model and optimizer exist: creates the run directory (or reopens the resumed run's), the checkpoint
   * directory and the TensorBoard writer; on --resume restores the weights and the optimizer state and says where
   * the run continues, noting settings that make it differ from an uninterrupted run.
   */
  async setup({ model, optimizer, datasets, graphInput }: SetupOptions): Promise<void> {
    const { config } = this;
    const resumed = this.#resumed;
    const runDir = resumed ? absolute(resumed.runDir) : await createRunDirectory(config.logDir, config.runName);
    const checkpointDir = absolute(config.checkpointDir ?? joinPath(runDir, 'checkpoints'));
    for (const dir of [runDir, checkpointDir]) {
      if (isS3Url(dir)) continue; // an s3:// prefix needs no creating
      await mkdir(dir, { recursive: true });
      // what a killed run was writing (a checkpoint, the manifest) when it died, left under temporary names
      if (resumed) await removeStaleTemporaries(dir);
    }
    const state: RunState<C, M> = resumed
      ? { ...resumed, config, runDir, checkpointDir }
      : {
          app: this.#app,
          runDir,
          checkpointDir,
          config,
          epoch: 0,
          batch: 0,
          step: 0,
          running: { loss: 0, count: 0, totals: {} },
          history: [],
          best: null,
        };
    const resumePath = config.resume;
    if (resumed && resumePath !== undefined) {
      await explainFailure('--resume', resumePath, () => loadRunCheckpoint(resumePath, { model, optimizer }));
      const where =
        state.batch === 0 ? `after epoch ${state.epoch}` : `in epoch ${state.epoch + 1}, after batch ${state.batch}`;
      this.log(`resumed from ${resumePath}: step ${state.step}, ${where}`);
      const changed = changedSettings(resumed.config, config);
      if (changed.length > 0)
        this.log(
          `note: continuing with changed settings (${changed.join(', ')}): the result will differ from an uninterrupted run`,
        );
    }
    this.log(`run directory: ${runDir}  (tensorboard --logdir ${config.logDir})`);
    // Events after the checkpoint's step, written before the run was stopped, are hidden by TensorBoard (purge).
    const writer = new SummaryWriter(runDir, resumed ? { purgeStep: state.step + 1 } : {});
    const manifest = new RunManifest(joinPath(runDir, MANIFEST_FILE), {
      app: this.#app,
      config,
      seed: config.seed,
      datasets,
      packages: [`@trainkit/${this.#app}`, ...RUN_PACKAGES],
      from: this.#from,
    });
    const checkpoints = new RunCheckpoints(checkpointDir, { model, optimizer, state, writer, last: resumePath });
    this.#state = state;
    this.#attached = { model, optimizer, writer, manifest, checkpoints, graphInput };
  }

  /**
   * Runs the program's loop and everything around it: the manifest at each milestone, the graph, the Ctrl-C
   * handler, and at the end the writer closed and the model and optimizer freed, whatever happened. The loop's
   * return value (a report, test scores …) goes into the manifest of a completed run and into the result; a loop
   * that returns nothing is fine.
   */
  fit<R extends object>(loop: () => Promise<R | undefined>): Promise<TrainingResult<C, R, M>>;
  fit(loop: () => Promise<void>): Promise<TrainingResult<C, object, M>>;
  async fit<R extends object>(loop: () => Promise<R | undefined>): Promise<TrainingResult<C, R, M>> {
    const { model, optimizer, writer, checkpoints, graphInput } = this.#handles();
    const state = this.state;
    let output: R | undefined;
    try {
      await this.#writeManifest('running');
      if (!this.#resumed) logGraph(writer, model, graphInput); // a resumed run's logs have it
      // Installed only now: a Ctrl-C while loading data or downloading has nothing to save, and simply ends the program.
      if (this.#options.handleSignals !== false) this.#interrupt = onInterrupt();
      try {
        output = await loop();
      } catch (err) {
        if (!(err instanceof TrainingStopped)) throw err;
      }
      if (this.completed) {
        await this.#writeManifest('completed', { checkpoint: checkpoints.last ?? null, ...output });
      } else {
        await this.#writeManifest('interrupted', { checkpoint: checkpoints.last ?? null });
        this.log(checkpoints.resumeHint(this.#options.command ?? this.#app));
      }
    } catch (err) {
      await this.#writeManifest('failed', { error: (err as Error).message }).catch(() => {});
      throw err;
    } finally {
      this.#interrupt?.dispose();
      await writer.close();
      disposeTraining(model, optimizer);
    }
    const exitCode = this.completed ? 0 : (this.#interrupt?.exitCode ?? 130);
    const { runDir, checkpointDir } = state;
    const result = { ...output, exitCode, runDir, checkpointDir, lastCheckpoint: checkpoints.last, state };
    return result as TrainingResult<C, R, M>;
  }

  /** The epochs still to run (0-based), until --epochs or until Ctrl-C asked for a stop. */
  *epochs(): IterableIterator<number> {
    const state = this.state;
    while (state.epoch < this.config.epochs && !this.#interrupt?.requested) {
      const epoch = state.epoch;
      yield epoch;
      if (state.epoch === epoch) throw new Error('TrainingRun: call run.endEpoch() at the end of every epoch');
    }
  }

  /**
   * The epoch's training batches behind a progress bar: the data order and augmentation reseeded from (seed, epoch)
   * so that a resumed run sees the same batches, the batches an interrupted run already trained on skipped, the
   * first batch's images logged, and Ctrl-C checked after every step. On Ctrl-C it saves a checkpoint where the
   * run stands and stops the run (fit() then reports where to resume from).
   */
  async *batches<B extends readonly unknown[]>(
    loader: AsyncIterable<B> & { readonly length: number },
    { images = (x) => x }: BatchesOptions = {},
  ): AsyncGenerator<B, void, undefined> {
    const { state, config } = this;
    const { writer, checkpoints } = this.#handles();
    seedEpoch(config.seed, state.epoch, { shuffle: this.shuffleGenerator, augment: this.augmentGenerator });
    this.#epochTimer = new Timer();
    this.#images = 0;
    const bar = progress(loader, {
      desc: `epoch ${state.epoch + 1}/${config.epochs}`,
      unit: 'batch',
      disable: !config.progress,
      ...(this.#options.progressStream ? { stream: this.#options.progressStream } : {}),
    });
    this.#bar = bar;
    let batch = 0;
    try {
      for await (const b of bar) {
        if (batch++ < state.batch) continue; // trained before this run was interrupted
        const [x] = b;
        if (batch === 1 && images && x instanceof tf.Tensor) {
          const shown = images(x);
          writer.addImages('train_images', shown, state.step + 1);
          if (shown !== x) shown.dispose();
        }
        yield b;
        state.batch = batch;
        if (await this.#interrupt?.check()) break;
      }
    } finally {
      bar.close();
      this.#bar = undefined;
    }
    this.#trainSeconds = this.#epochTimer.stop();
    this.#epochTimer.start(); // the rest of the epoch: evaluation, until endEpoch
    if (state.batch < loader.length) {
      this.log(await checkpoints.saveStop(loader.length));
      throw new TrainingStopped();
    }
  }

  /**
   * Counts one optimizer step of `n` samples with its loss: the epoch's running sums (plus the step's `totals`,
   * sums over its samples such as `{ trainAccuracy: correct }`, averaged per sample at the epoch's end), the loss
   * logged every --log-every steps, the progress bar's postfix. A loss that is no longer finite stops the run.
   */
  step(loss: number, n: number, totals: Record<string, number> = {}): void {
    const { state, config } = this;
    if (!Number.isFinite(loss)) {
      const { writer, checkpoints } = this.#handles();
      writer.flush();
      // no checkpoint is written from here on: the weights the last step produced are not finite
      throw divergedError(loss, state, config.lr, checkpoints.last);
    }
    const { running } = state;
    state.step += 1;
    running.loss += loss * n;
    running.count += n;
    for (const [name, value] of Object.entries(totals)) running.totals[name] = (running.totals[name] ?? 0) + value;
    this.#images += n;
    if (state.step % config.logEvery === 0) this.#handles().writer.addScalar('train_loss', loss, state.step);
    const postfix: Record<string, string> = { loss: loss.toFixed(4) };
    for (const [name, sum] of Object.entries(running.totals)) postfix[name] = (sum / running.count).toFixed(3);
    this.#bar?.setPostfix(postfix, false);
  }

  /**
   * Closes an epoch: its record (training averages, the program's `metrics`, times) into the history and the log
   * line, every value to TensorBoard at the epoch's last step (as `test_accuracy` for `testAccuracy`, with the
   * throughput and weight histograms), best.safetensors when `best`'s metric improved, the epoch's checkpoint and
   * the manifest.
   */
  async endEpoch(metrics: Record<string, number>, { best }: EndEpochOptions = {}): Promise<EpochRecord<M>> {
    const { state, config } = this;
    const { model, writer, checkpoints } = this.#handles();
    const { running } = state;
    const trainSeconds = this.#trainSeconds;
    const averages = Object.fromEntries(Object.entries(running.totals).map(([k, sum]) => [k, sum / running.count]));
    const record = {
      epoch: state.epoch + 1,
      step: state.step,
      trainLoss: running.loss / running.count,
      ...averages,
      ...metrics,
      trainSeconds,
      epochSeconds: trainSeconds + (this.#epochTimer?.stop() ?? 0),
      imagesPerSecond: throughput(this.#images, trainSeconds),
    } as EpochRecord<M>;
    const value = (name: string) => (record as Record<string, number>)[name];
    state.history.push(record);
    state.epoch += 1;
    state.batch = 0;
    state.running = { loss: 0, count: 0, totals: {} };
    const improved =
      best !== undefined && isBetter(value(best[0]), (state.best as Record<string, number> | null)?.[best[0]], best[1]);
    this.log(epochLine(record, config.epochs, { saved: improved }));

    writer.addScalar('train_loss_epoch', record.trainLoss, state.step);
    for (const [name, value] of Object.entries({ ...averages, ...metrics }))
      writer.addScalar(snakeCase(name), value, state.step);
    logEpochEnd(writer, model, state.step, record);

    if (best && improved) {
      const [name] = best;
      state.best = { epoch: record.epoch, [name]: value(name) } as RunState<C, M>['best'];
      await checkpoints.saveBest({ epoch: String(record.epoch), [snakeCase(name)]: String(value(name)) });
    }
    await checkpoints.saveEpoch(); // flushes the logs first: a resumed run purges the events after its step
    await this.#writeManifest('running');
    return record;
  }

  /**
   * Writes a figure as `runDir/<name>.png` and logs the same picture to TensorBoard's Images tab as `report/<name>`
   * at the current step (what PyTorch's add_figure does for matplotlib). Rendered once: the file and the event hold
   * the same PNG bytes, at the figure's size unless `png.scale` says otherwise. Returns the file's path.
   */
  async saveFigure(figure: Figure, name: string, png: PngOptions = {}): Promise<string> {
    const bytes = figure.toPNG(png);
    const path = joinPath(this.runDir, `${name}.png`);
    await writeRunFile(path, bytes);
    this.writer.addFigure(`report/${name}`, bytes, this.state.step);
    return path;
  }

  /**
   * Logs the run's hyperparameters and final metrics for TensorBoard's HParams tab (the writer's addHparams), at
   * the step after the last one: a run extended later with `--resume … --epochs N` purges the events after its
   * checkpoint's step, these among them, and logs its own once it completes, so the tab and the `hparam/*` curves
   * hold one entry per run rather than one per completion.
   */
  addHparams(
    hparams: Parameters<SummaryWriter['addHparams']>[0],
    metrics: Parameters<SummaryWriter['addHparams']>[1],
  ): void {
    this.writer.addHparams(hparams, metrics, { globalStep: this.state.step + 1 });
  }

  #handles(): Attached {
    if (!this.#attached) throw new Error('TrainingRun: call setup() with the model and optimizer first');
    return this.#attached;
  }

  #writeManifest(status: 'running' | 'completed' | 'interrupted' | 'failed', extra: Record<string, unknown> = {}) {
    const state = this.state;
    return this.#handles().manifest.write(status, {
      progress: { epochsCompleted: state.epoch, epochs: this.config.epochs, step: state.step },
      best: state.best,
      history: state.history,
      ...extra,
    });
  }
}

/** Whose versions a run's manifest records, besides the program's own package. */
const RUN_PACKAGES = [
  '@trainkit/core',
  '@trainkit/data',
  '@trainkit/metrics',
  '@trainkit/tensorboard',
  '@trainkit/viz',
  '@trainkit/train',
];

/** A path made absolute, so that a run resumes from any working directory; s3:// URLs are absolute already. */
function absolute(path: string): string {
  return isS3Url(path) ? path : resolve(path);
}

function isBetter(value: number | undefined, best: number | undefined, mode: 'max' | 'min'): boolean {
  if (value === undefined) throw new Error('TrainingRun.endEpoch: the best metric is not among the epoch metrics');
  if (best === undefined) return true;
  return mode === 'max' ? value > best : value < best;
}
