import { type Device, nn, noGrad, optim, tf, toDevice } from '@trainkit/core';
import { Accumulator, accuracy, Timer } from '@trainkit/metrics';
import { Animator } from '@trainkit/viz';
import { batchPair } from './batch-pair.js';
import { evaluateNet, type PairIterable } from './train-ch3.js';

export interface TrainCh6Options {
  /** draws the curves (default: an Animator like d2l's, xlim [1, numEpochs]) */
  animator?: Animator;
  /** where the two closing lines go (default console.log) */
  log?: (line: string) => void;
}

export interface TrainCh6Result {
  trainLoss: number;
  trainAcc: number;
  testAcc: number;
  /** training examples per second of step time (d2l's `metric[2] * num_epochs / timer.sum()`) */
  examplesPerSec: number;
  animator: Animator;
}

/**
 * d2l's train_ch6 (LeNet, chapter 6): Xavier-uniform weights for every Linear and Conv2d, SGD(lr) and cross-entropy;
 * the running train loss and accuracy added to the Animator five times per epoch, the test accuracy after each epoch;
 * then d2l's two lines: `loss 0.469, train acc 0.823, test acc 0.779` and `… examples/sec on cpu`.
 */
export async function trainCh6(
  net: nn.Module,
  trainIter: PairIterable & { readonly length: number },
  testIter: PairIterable,
  numEpochs: number,
  lr: number,
  device: Device,
  options: TrainCh6Options = {},
): Promise<TrainCh6Result> {
  if (!Number.isInteger(numEpochs) || numEpochs < 1) {
    throw new Error(`trainCh6: numEpochs must be a positive integer, got ${numEpochs}`);
  }
  const log = options.log ?? ((line: string) => console.log(line));
  net.apply((m) => {
    if (m instanceof nn.Linear || m instanceof nn.Conv2d) nn.init.xavierUniform_(m.weight);
  });
  log(`training on ${device}`);
  net.to(device);
  const optimizer = new optim.SGD(net.parameters(), { lr });
  const loss = new nn.CrossEntropyLoss();
  const animator =
    options.animator ??
    new Animator({ xlabel: 'epoch', xlim: [1, numEpochs], legend: ['train loss', 'train acc', 'test acc'] });
  const timer = new Timer();
  const numBatches = trainIter.length;
  const every = Math.max(1, Math.floor(numBatches / 5));
  let [trainL, trainAcc, testAcc] = [Number.NaN, Number.NaN, Number.NaN];
  let metric = new Accumulator(3);
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    metric = new Accumulator(3);
    net.train();
    let i = 0;
    for await (const batch of trainIter) {
      timer.start();
      const [x, y] = toDevice(batchPair(batch, 'trainCh6'), device);
      let yHat: tf.Tensor | undefined;
      const l = optimizer.step(() => {
        yHat = tf.keep((net.call as (x: tf.Tensor) => tf.Tensor).call(net, x));
        return loss.forward(yHat, y);
      }) as number;
      metric.add(
        l * x.shape[0]!,
        noGrad(() => accuracy(yHat!, y)),
        x.shape[0]!,
      );
      yHat!.dispose();
      timer.stop();
      trainL = metric.get(0) / metric.get(2);
      trainAcc = metric.get(1) / metric.get(2);
      if ((i + 1) % every === 0 || i === numBatches - 1)
        animator.add(epoch + (i + 1) / numBatches, [trainL, trainAcc, null]);
      i++;
    }
    testAcc = await evaluateNet(net, testIter);
    animator.add(epoch + 1, [null, null, testAcc]);
  }
  const examplesPerSec = (metric.get(2) * numEpochs) / timer.sum();
  log(`loss ${trainL.toFixed(3)}, train acc ${trainAcc.toFixed(3)}, test acc ${testAcc.toFixed(3)}`);
  log(`${examplesPerSec.toFixed(1)} examples/sec on ${device}`);
  return { trainLoss: trainL, trainAcc, testAcc, examplesPerSec, animator };
}
