import { backward, nn, noGrad, type optim, tf } from '@trainkit/core';
import { Accumulator, accuracy, evaluateAccuracy } from '@trainkit/metrics';
import { Animator } from '@trainkit/viz';
import { batchPair } from './batch-pair.js';

/** A batch source as d2l iterates it: `for (X, y) in train_iter` (a DataLoader, or any async/sync iterable of pairs). */
export type PairIterable = AsyncIterable<readonly tf.Tensor[]> | Iterable<readonly tf.Tensor[]>;

/** A network: a Module, or a plain function of the input (d2l's from-scratch `net(X)`). */
export type Net = nn.Module | ((x: tf.Tensor) => tf.Tensor);

/** A loss: a Module such as `new nn.CrossEntropyLoss({ reduction: 'none' })`, or a function of (ŷ, y). */
export type Loss =
  | { forward(yHat: tf.Tensor, y: tf.Tensor): tf.Tensor }
  | ((yHat: tf.Tensor, y: tf.Tensor) => tf.Tensor);

/** d2l's updater: a torch.optim optimizer, or a function of the batch size (d2l.sgd on the gradients). */
export type Updater = optim.Optimizer<optim.BaseOptions> | ((batchSize: number) => void);

export interface TrainCh3Options {
  /** the parameters `net` trains when it is a function (a Module's come from net.parameters()) */
  params?: Iterable<nn.Parameter>;
  /** draws the curves as they grow (default: an Animator like d2l's, xlim [1, numEpochs], ylim [0.3, 0.9]) */
  animator?: Animator;
}

export interface EpochMetrics {
  trainLoss: number;
  trainAcc: number;
}

const forward = (net: Net, x: tf.Tensor) =>
  net instanceof nn.Module ? (net.call as (x: tf.Tensor) => tf.Tensor).call(net, x) : net(x);
const lossOf = (loss: Loss, yHat: tf.Tensor, y: tf.Tensor) =>
  typeof loss === 'function' ? loss(yHat, y) : loss.forward(yHat, y);

function parametersOf(net: Net, params: Iterable<nn.Parameter> | undefined, where: string): nn.Parameter[] {
  if (params) return [...params];
  if (net instanceof nn.Module) return [...net.parameters()];
  throw new Error(`${where}: net is a function, so pass the parameters it trains as options.params`);
}

/**
 * d2l's train_epoch_ch3: one pass over `trainIter`, returning the mean loss and accuracy. With an optimizer the loss
 * is averaged before backward (`l.mean().backward()`), with a function updater summed (`l.sum().backward()`, then
 * `updater(X.shape[0])`), as d2l does.
 */
export async function trainEpochCh3(
  net: Net,
  trainIter: PairIterable,
  loss: Loss,
  updater: Updater,
  options: { params?: Iterable<nn.Parameter> } = {},
): Promise<EpochMetrics> {
  if (net instanceof nn.Module) net.train();
  const params = parametersOf(net, options.params, 'trainEpochCh3');
  const metric = new Accumulator(3);
  for await (const batch of trainIter) {
    const [x, y] = batchPair(batch, 'trainEpochCh3');
    let yHat: tf.Tensor | undefined;
    let lSum = 0;
    const isOptimizer = typeof updater !== 'function';
    if (isOptimizer) updater.zeroGrad();
    else for (const p of params) p.zeroGrad?.();
    backward(() => {
      yHat = tf.keep(forward(net, x));
      const l = lossOf(loss, yHat, y);
      const sum = tf.sum(l);
      lSum = (sum.dataSync()[0] as number) ?? 0;
      return isOptimizer ? tf.div(sum, l.size) : sum;
    }, params);
    if (isOptimizer) updater.step();
    else updater(x.shape[0]!);
    metric.add(
      lSum,
      noGrad(() => accuracy(yHat!, y)),
      y.size,
    );
    yHat!.dispose();
  }
  return { trainLoss: metric.get(0) / metric.get(2), trainAcc: metric.get(1) / metric.get(2) };
}

export interface TrainCh3Result extends EpochMetrics {
  testAcc: number;
  animator: Animator;
}

/**
 * d2l's train_ch3 (softmax regression, chapter 3): trains `numEpochs` epochs, adding train loss, train accuracy and
 * test accuracy to the Animator after each. d2l's closing asserts (loss < 0.5, accuracies > 0.7) are left to the caller.
 */
export async function trainCh3(
  net: Net,
  trainIter: PairIterable,
  testIter: PairIterable,
  loss: Loss,
  numEpochs: number,
  updater: Updater,
  options: TrainCh3Options = {},
): Promise<TrainCh3Result> {
  if (!Number.isInteger(numEpochs) || numEpochs < 1) {
    throw new Error(`trainCh3: numEpochs must be a positive integer, got ${numEpochs}`);
  }
  const animator =
    options.animator ??
    new Animator({
      xlabel: 'epoch',
      xlim: [1, numEpochs],
      ylim: [0.3, 0.9],
      legend: ['train loss', 'train acc', 'test acc'],
    });
  let metrics: EpochMetrics = { trainLoss: Number.NaN, trainAcc: Number.NaN };
  let testAcc = Number.NaN;
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    metrics = await trainEpochCh3(net, trainIter, loss, updater, options);
    testAcc = await evaluateNet(net, testIter);
    animator.add(epoch + 1, [metrics.trainLoss, metrics.trainAcc, testAcc]);
  }
  return { ...metrics, testAcc, animator };
}

/** d2l's evaluate_accuracy, for a Module (metrics' evaluateAccuracy, in eval mode) or a plain function. */
export async function evaluateNet(net: Net, dataIter: PairIterable): Promise<number> {
  if (net instanceof nn.Module) return evaluateAccuracy(net, dataIter as Parameters<typeof evaluateAccuracy>[1]);
  const metric = new Accumulator(2);
  for await (const batch of dataIter) {
    const [x, y] = batchPair(batch, 'evaluateNet');
    const yHat = noGrad(() => net(x));
    metric.add(accuracy(yHat, y), y.size);
    yHat.dispose();
  }
  return metric.get(0) / metric.get(1);
}
