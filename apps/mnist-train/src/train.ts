import { join } from 'node:path';
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
  tf,
} from '@trainkit/core';
import { DataLoader } from '@trainkit/data';
import { accuracy, evaluate, Timer, throughput } from '@trainkit/metrics';
import { SummaryWriter } from '@trainkit/tensorboard';
import { type ProgressStream, progress, summary } from '@trainkit/viz';
import { type AnalysisFiles, analyse } from './analysis.js';
import { BEST_MODEL, type EpochRecord, type TrainingState } from './checkpoints.js';
import type { MnistConfig, MnistFlag } from './config.js';
import { loadMnist } from './data.js';
import { MnistManifest } from './manifest.js';
import { MLP } from './model.js';

export interface TrainOptions extends TrainingOptions<MnistFlag> {
  /** where progress bars go (default stderr) */
  progressStream?: ProgressStream;
}

export interface TrainResult extends TrainingResult<TrainingState> {
  /** test results of the best weights and the analysis' files, when the run completed */
  test: { loss: number; accuracy: number; count: number } | undefined;
  analysis: AnalysisFiles | undefined;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Seed 004's pipeline: train the MLP with Adam, evaluate on the validation split after every epoch and keep the
 * weights with the lowest validation loss; then load them, measure the test set and analyse the model (see
 * analysis.ts). Resumable from any checkpoint with the same results as an uninterrupted run; Ctrl-C stops after
 * the current step with a checkpoint.
 */
export async function train(flags: MnistConfig, options: TrainOptions = {}): Promise<TrainResult> {
  // the backend, and on --resume the checkpoint's config with the flags the user set winning
  const started = await startTraining<MnistConfig, TrainingState>('mnist-train', flags, options, ['logDir', 'dataDir']);
  const { config, resumed, log } = started;

  manualSeed(config.seed); // the initial weights
  const augmentGenerator = new Generator(config.seed);
  const data = await loadMnist(config, augmentGenerator);
  log(`train set: ${data.descriptions.train}`);
  log(`validation set: ${data.descriptions.valid}`);
  log(`test set: ${data.descriptions.test}`);
  log(`normalised with the training pixels' mean ${data.mean.toFixed(4)} and std ${data.std.toFixed(4)}`);
  const shuffle = new Generator(config.seed);
  const trainIterator = new DataLoader(data.train, { batchSize: config.batchSize, shuffle: true, generator: shuffle });
  const validIterator = new DataLoader(data.valid, { batchSize: config.batchSize });
  const testIterator = new DataLoader(data.test, { batchSize: config.batchSize });

  const model = new MLP(784, 10);
  log(String(summary(model, { inputSize: [config.batchSize, 1, 28, 28] })));
  const optimizer = new optim.Adam(model.parameters(), { lr: config.lr });
  const criterion = new nn.CrossEntropyLoss();

  const { runDir, checkpointDir, state } = await openTrainingRun(
    started,
    { epochTotals: { loss: 0, correct: 0, count: 0 }, history: [], best: null },
    model,
    optimizer,
  );

  // Events after the checkpoint's step, written before the run was stopped, are hidden by TensorBoard (purge).
  const writer = new SummaryWriter(runDir, resumed ? { purgeStep: state.step + 1 } : {});
  const manifest = new MnistManifest(runDir, config, data.descriptions);
  const checkpoints = new RunCheckpoints(checkpointDir, { model, optimizer, state, writer, last: started.resumePath });
  let stopped = false;
  let test: TrainResult['test'];
  let analysis: AnalysisFiles | undefined;
  // Installed only now: a Ctrl-C while loading data or downloading has nothing to save, and simply ends the program.
  let interrupt: InterruptGuard | undefined;
  try {
    await manifest.write('running', state);
    if (!resumed) logGraph(writer, model, [1, 1, 28, 28]); // a resumed run's logs have it

    if (options.handleSignals !== false) interrupt = onInterrupt();
    while (state.epoch < config.epochs && !interrupt?.requested) {
      const epoch = state.epoch;
      const timer = new Timer();
      // Epoch e's order and augmentation derive from (seed, e) alone: a resumed run sees the same batches.
      seedEpoch(config.seed, epoch, { shuffle, augment: augmentGenerator });
      model.train();
      const bar = progress(trainIterator, {
        desc: `epoch ${epoch + 1}/${config.epochs}`,
        unit: 'batch',
        disable: !config.progress,
        ...(options.progressStream ? { stream: options.progressStream } : {}),
      });
      let batch = 0;
      let images = 0;
      for await (const [x, y] of bar) {
        if (batch++ < state.batch) continue; // trained before this run was interrupted
        if (batch === 1) {
          // the first digits of the epoch as the network sees them, un-normalised for display
          const shown = tf.tidy(() =>
            x
              .slice([0], [Math.min(32, x.shape[0]!)])
              .mul(data.std)
              .add(data.mean),
          );
          writer.addImages('train_images', shown, state.step + 1);
          shown.dispose();
        }
        // optimizer.zero_grad(); y_pred, _ = model(x); loss = criterion(y_pred, y); acc = …; loss.backward(); step()
        optimizer.zeroGrad();
        let correct = 0;
        const loss = backward(() => {
          const [yPred] = model.call(x);
          correct = accuracy(yPred, y); // read inside the recorded forward pass: no second pass for the accuracy
          return criterion.forward(yPred, y);
        }, model.parameters());
        if (!Number.isFinite(loss)) {
          writer.flush();
          throw divergedError(loss, state, config.lr);
        }
        optimizer.step();
        const n = x.shape[0]!;
        state.step += 1;
        state.batch = batch;
        state.epochTotals.loss += loss * n;
        state.epochTotals.correct += correct;
        state.epochTotals.count += n;
        images += n;
        if (state.step % config.logEvery === 0) writer.addScalar('train_loss', loss, state.step);
        bar.setPostfix(
          { loss: loss.toFixed(4), acc: (state.epochTotals.correct / state.epochTotals.count).toFixed(3) },
          false,
        );
        if (await interrupt?.check()) break;
      }
      bar.close();
      const trainSeconds = timer.stop();

      if (state.batch < trainIterator.length) {
        // stopped by Ctrl-C mid-epoch: save where we are
        log(await checkpoints.saveStop(trainIterator.length));
        break;
      }

      timer.start();
      const valid = await evaluate(model, validIterator, criterion);
      const totals = state.epochTotals;
      const record: EpochRecord = {
        epoch: epoch + 1,
        step: state.step,
        trainLoss: totals.loss / totals.count,
        trainAccuracy: totals.correct / totals.count,
        validLoss: valid.loss,
        validAccuracy: valid.accuracy,
        trainSeconds,
        epochSeconds: trainSeconds + timer.stop(),
        imagesPerSecond: throughput(images, trainSeconds),
      };
      state.history.push(record);
      state.epoch += 1;
      state.batch = 0;
      state.epochTotals = { loss: 0, correct: 0, count: 0 };
      const improved = state.best === null || record.validLoss < state.best.validLoss;
      log(
        `epoch ${record.epoch}/${config.epochs}: train loss ${record.trainLoss.toFixed(3)}, train acc ${pct(record.trainAccuracy)} | ` +
          `valid loss ${record.validLoss.toFixed(3)}, valid acc ${pct(record.validAccuracy)}${improved ? ' (best so far, saved)' : ''} | ` +
          `${record.epochSeconds.toFixed(1)} s, ${record.imagesPerSecond.toFixed(0)} images/s`,
      );

      writer.addScalar('train_loss_epoch', record.trainLoss, state.step);
      writer.addScalar('train_accuracy', record.trainAccuracy, state.step);
      writer.addScalar('valid_loss', record.validLoss, state.step);
      writer.addScalar('valid_accuracy', record.validAccuracy, state.step);
      logEpochEnd(writer, model, state.step, record);

      if (improved) {
        state.best = { epoch: record.epoch, validLoss: record.validLoss };
        await checkpoints.saveBest({ epoch: String(record.epoch), valid_loss: String(record.validLoss) });
      }
      await checkpoints.saveEpoch(); // flushes the logs first: a resumed run purges the events after its step
      await manifest.write('running', state);
    }

    stopped = state.epoch < config.epochs;
    if (stopped) {
      await manifest.write('interrupted', state, { checkpoint: checkpoints.last ?? null });
      log(checkpoints.resumeHint(options.command ?? 'mnist-train'));
    } else {
      // model.load_state_dict(torch.load('tut1-model.pt')); test_loss, test_acc = evaluate(model, test_iterator, …)
      await model.load(join(checkpointDir, BEST_MODEL));
      test = await evaluate(model, testIterator, criterion);
      log(
        `test loss ${test.loss.toFixed(3)}, test accuracy ${pct(test.accuracy)} (weights of epoch ${state.best?.epoch}, the best validation loss)`,
      );
      writer.addScalar('test_loss', test.loss, state.step);
      writer.addScalar('test_accuracy', test.accuracy, state.step);
      analysis = await analyse({ model, testIterator, data, state, writer, log });
      writer.addHparams(
        {
          lr: config.lr,
          batch_size: config.batchSize,
          epochs: config.epochs,
          augment: config.augment,
          seed: config.seed,
          optimizer: 'adam',
        },
        {
          'hparam/test_accuracy': test.accuracy,
          'hparam/test_loss': test.loss,
          'hparam/best_valid_loss': state.best?.validLoss ?? Number.NaN,
        },
      );
      await manifest.write('completed', state, { checkpoint: checkpoints.last ?? null, test, analysis });
    }
  } catch (err) {
    await manifest.write('failed', state, { error: (err as Error).message }).catch(() => {});
    throw err;
  } finally {
    interrupt?.dispose();
    await writer.close();
    disposeTraining(model, optimizer);
  }
  return {
    exitCode: stopped ? (interrupt?.exitCode ?? 130) : 0,
    runDir,
    checkpointDir,
    lastCheckpoint: checkpoints.last,
    state,
    test,
    analysis,
  };
}
