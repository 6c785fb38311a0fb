import {
  backward,
  disposeTraining,
  divergedError,
  Generator,
  type InterruptGuard,
  logEpochEnd,
  logGraph,
  manualSeed,
  nn,
  onInterrupt,
  openTrainingRun,
  optim,
  RunCheckpoints,
  seedEpoch,
  startTraining,
  type TrainingOptions,
  type TrainingResult,
} from '@trainkit/core';
import { DataLoader } from '@trainkit/data';
import { evaluate, Timer, throughput } from '@trainkit/metrics';
import { SummaryWriter } from '@trainkit/tensorboard';
import { type ProgressStream, progress, summary } from '@trainkit/viz';
import type { EpochRecord, TrainingState } from './checkpoints.js';
import type { CifarConfig, CifarFlag } from './config.js';
import { augmentation, loadCifarSplit } from './data.js';
import { CifarManifest } from './manifest.js';
import { Tudui } from './model.js';
import { type ReportFiles, writeReport } from './report.js';

export interface TrainOptions extends TrainingOptions<CifarFlag> {
  /** where progress bars go (default stderr) */
  progressStream?: ProgressStream;
}

export interface TrainResult extends TrainingResult<TrainingState> {
  /** the report's files, when the run completed */
  report: ReportFiles | undefined;
}

function makeOptimizer(config: CifarConfig, model: nn.Module): optim.Optimizer<optim.BaseOptions> {
  const { lr, weightDecay, momentum } = config;
  return config.optimizer === 'adam'
    ? new optim.Adam(model.parameters(), { lr, weightDecay })
    : new optim.SGD(model.parameters(), { lr, momentum, weightDecay });
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * The tutorial's training routine (seed 002's train.py) with what a real run needs around it: for each epoch,
 * train on every batch (forward, loss, zero_grad, backward, step) logging the loss every 100 steps, then evaluate
 * loss and accuracy on the test set without gradients, log them, and save a checkpoint. Resumable from any
 * checkpoint with the same results as an uninterrupted run; Ctrl-C stops after the current step with a checkpoint.
 */
export async function train(flags: CifarConfig, options: TrainOptions = {}): Promise<TrainResult> {
  // the backend, and on --resume the checkpoint's config with the flags the user set winning
  const started = await startTraining<CifarConfig, TrainingState>('cifar-train', flags, options, ['dataDir', 'logDir']);
  const { config, resumed, log } = started;

  manualSeed(config.seed); // the initial weights
  const augmentGenerator = new Generator(config.seed);
  const trainData = await loadCifarSplit(config, 'train', config.augment ? augmentation(augmentGenerator) : undefined);
  const testData = await loadCifarSplit(config, 'test');
  log(`train set: ${trainData.dataset.length} images — ${trainData.description}`);
  log(`test set: ${testData.dataset.length} images — ${testData.description}`);
  const shuffle = new Generator(config.seed);
  const trainDataloader = new DataLoader(trainData.dataset, {
    batchSize: config.batchSize,
    shuffle: true,
    generator: shuffle,
  });
  const testDataloader = new DataLoader(testData.dataset, { batchSize: config.batchSize });

  const model = new Tudui();
  log(String(summary(model, { inputSize: [config.batchSize, 3, 32, 32] })));
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = makeOptimizer(config, model);

  const { runDir, checkpointDir, state } = await openTrainingRun(
    started,
    { epochLoss: { sum: 0, count: 0 }, history: [], best: null },
    model,
    optimizer,
  );

  // Events after the checkpoint's step, written before the run was stopped, are hidden by TensorBoard (purge).
  const writer = new SummaryWriter(runDir, resumed ? { purgeStep: state.step + 1 } : {});
  const manifest = new CifarManifest(runDir, config, { train: trainData.description, test: testData.description });
  const checkpoints = new RunCheckpoints(checkpointDir, { model, optimizer, state, writer, last: started.resumePath });
  let stopped = false;
  let report: ReportFiles | undefined;
  // Installed only now: a Ctrl-C while loading data or downloading has nothing to save, and simply ends the program.
  let interrupt: InterruptGuard | undefined;
  try {
    await manifest.write('running', state);
    if (!resumed) logGraph(writer, model, [1, 3, 32, 32]); // a resumed run's logs have it

    if (options.handleSignals !== false) interrupt = onInterrupt();
    while (state.epoch < config.epochs && !interrupt?.requested) {
      const epoch = state.epoch;
      const timer = new Timer();
      // Epoch e's order and augmentation derive from (seed, e) alone: a resumed run sees the same batches.
      seedEpoch(config.seed, epoch, { shuffle, augment: augmentGenerator });
      model.train();
      const bar = progress(trainDataloader, {
        desc: `epoch ${epoch + 1}/${config.epochs}`,
        unit: 'batch',
        disable: !config.progress,
        ...(options.progressStream ? { stream: options.progressStream } : {}),
      });
      let batch = 0;
      let images = 0;
      for await (const [imgs, targets] of bar) {
        if (batch++ < state.batch) continue; // trained before this run was interrupted
        if (batch === 1) writer.addImages('train_images', imgs, state.step + 1);
        // outputs = model(imgs); loss = loss_fn(outputs, targets); zero_grad(); loss.backward(); step()
        optimizer.zeroGrad();
        const loss = backward(() => lossFn.forward(model.call(imgs), targets), model.parameters());
        if (!Number.isFinite(loss)) {
          writer.flush();
          throw divergedError(loss, state, config.lr);
        }
        optimizer.step();
        state.step += 1;
        state.batch = batch;
        state.epochLoss.sum += loss * imgs.shape[0]!;
        state.epochLoss.count += imgs.shape[0]!;
        images += imgs.shape[0]!;
        if (state.step % config.logEvery === 0) writer.addScalar('train_loss', loss, state.step);
        bar.setPostfix({ loss: loss.toFixed(4) }, false);
        if (await interrupt?.check()) break;
      }
      bar.close();
      const trainSeconds = timer.stop();

      if (state.batch < trainDataloader.length) {
        // stopped by Ctrl-C mid-epoch: save where we are
        log(await checkpoints.saveStop(trainDataloader.length));
        break;
      }

      timer.start();
      const test = await evaluate(model, testDataloader, lossFn);
      const record: EpochRecord = {
        epoch: epoch + 1,
        step: state.step,
        trainLoss: state.epochLoss.sum / state.epochLoss.count,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        trainSeconds,
        epochSeconds: trainSeconds + timer.stop(),
        imagesPerSecond: throughput(images, trainSeconds),
      };
      state.history.push(record);
      state.epoch += 1;
      state.batch = 0;
      state.epochLoss = { sum: 0, count: 0 };
      log(
        `epoch ${record.epoch}/${config.epochs}: train loss ${record.trainLoss.toFixed(4)}, test loss ${record.testLoss.toFixed(4)}, ` +
          `test accuracy ${pct(record.testAccuracy)} | ${record.epochSeconds.toFixed(1)} s, ${record.imagesPerSecond.toFixed(0)} images/s`,
      );

      writer.addScalar('test_loss', record.testLoss, state.step);
      writer.addScalar('test_accuracy', record.testAccuracy, state.step);
      writer.addScalar('train_loss_epoch', record.trainLoss, state.step);
      logEpochEnd(writer, model, state.step, record);

      if (state.best === null || record.testAccuracy > state.best.testAccuracy) {
        state.best = { epoch: record.epoch, testAccuracy: record.testAccuracy };
        await checkpoints.saveBest({ epoch: String(record.epoch), test_accuracy: String(record.testAccuracy) });
      }
      await checkpoints.saveEpoch(); // flushes the logs first: a resumed run purges the events after its step
      await manifest.write('running', state);
    }

    stopped = state.epoch < config.epochs;
    if (stopped) {
      await manifest.write('interrupted', state, { checkpoint: checkpoints.last ?? null });
      log(checkpoints.resumeHint(options.command ?? 'cifar-train'));
    } else {
      report = await writeReport({ model, testDataloader, classes: testData.classes, state, writer, log });
      await manifest.write('completed', state, { checkpoint: checkpoints.last ?? null, report });
    }
  } catch (err) {
    await manifest.write('failed', state, { error: (err as Error).message }).catch(() => {});
    throw err;
  } finally {
    interrupt?.dispose();
    await writer.close();
    disposeTraining(model, optimizer);
  }
  const exitCode = stopped ? (interrupt?.exitCode ?? 130) : 0;
  return { exitCode, runDir, checkpointDir, lastCheckpoint: checkpoints.last, state, report };
}
