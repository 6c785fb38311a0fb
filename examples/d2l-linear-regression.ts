// Dive into Deep Learning, chapter 3.2 (linear regression from scratch) and 3.3 (its concise implementation):
// synthetic data from y = Xw + b + noise with w = [2, -3.4], b = 4.2, recovered by minibatch SGD.
//   tsx examples/d2l-linear-regression.ts [--num-examples 1000] [--num-epochs 3]
import { backward, Generator, item, manualSeed, nn, noGrad, optim, tf, useBackend } from '@trainkit/core';
import { DataLoader, syntheticData, TensorDataset } from '@trainkit/data';
import { sgd } from '@trainkit/train';
import { scatterPlot } from '@trainkit/viz';
import { tutorialOptions } from './lib/tutorial-options.js';

const opts = tutorialOptions(
  { name: 'd2l-linear-regression', description: 'd2l 3.2 and 3.3: linear regression from scratch, then concisely' },
  {
    numExamples: { type: 'int', min: 10, default: 1000, help: 'synthetic examples' },
    numEpochs: { type: 'int', min: 1, default: 3, help: 'epochs of each training loop' },
    seed: { type: 'int', default: 0, help: 'seed of the data, the initial weights and the shuffling' },
  },
);
await useBackend();
manualSeed(opts.seed);
const fmt = (t: tf.Tensor) => `[${Array.from(t.dataSync(), (v) => v.toFixed(6)).join(', ')}]`;

// ---- 3.2 从零开始实现 ----

// 3.2.1 生成数据集: features, labels = synthetic_data(true_w, true_b, 1000)
const trueW = tf.tensor1d([2, -3.4]);
const trueB = 4.2;
const [features, labels] = syntheticData(trueW, trueB, opts.numExamples);
console.log(`features: ${fmt(features.slice(0, 1))}\nlabel: ${fmt(labels.slice(0, 1))}`);
// d2l.plt.scatter(features[:, 1].detach().numpy(), labels.detach().numpy(), 1)
const scatter = tf.concat([features.slice([0, 1], [-1, 1]), labels], 1);
await scatterPlot(scatter as tf.Tensor2D, { xlabel: 'features[:, 1]', ylabel: 'labels', pointSize: 1 }).save(
  `${opts.outDir}/synthetic-data.png`,
);

// 3.2.2 读取数据集: a shuffled minibatch at a time
const shuffle = new Generator(opts.seed + 1);
function* dataIter(
  batchSize: number,
  features: tf.Tensor2D,
  labels: tf.Tensor2D,
): IterableIterator<[tf.Tensor, tf.Tensor]> {
  const numExamples = features.shape[0];
  const indices = shuffle.randperm(numExamples); // random.shuffle(indices)
  for (let i = 0; i < numExamples; i += batchSize) {
    const batchIndices = tf.tensor1d(indices.slice(i, Math.min(i + batchSize, numExamples)), 'int32');
    const batch: [tf.Tensor, tf.Tensor] = [tf.gather(features, batchIndices), tf.gather(labels, batchIndices)];
    batchIndices.dispose();
    yield batch;
    tf.dispose(batch);
  }
}
const batchSize = 10;

// 3.2.3 初始化模型参数: w ~ N(0, 0.01²) of shape (2, 1), b = 0, both requiring gradients
const w = nn.init.normal_(new nn.Parameter(tf.zeros([2, 1])), { mean: 0, std: 0.01 });
const b = new nn.Parameter(tf.zeros([1]));

// 3.2.4 定义模型
const linreg = (X: tf.Tensor, w: nn.Parameter, b: nn.Parameter) => tf.add(tf.matMul(X, w.data), b.data);
// 3.2.5 定义损失函数
const squaredLoss = (yHat: tf.Tensor, y: tf.Tensor) => tf.div(tf.square(tf.sub(yHat, tf.reshape(y, yHat.shape))), 2);
// 3.2.6 定义优化算法: d2l.sgd, `sgd(params, lr, batchSize)` from @trainkit/train

// 3.2.7 训练
const lr = 0.03;
const numEpochs = opts.numEpochs;
const net = linreg;
const loss = squaredLoss;
for (let epoch = 0; epoch < numEpochs; epoch++) {
  for (const [X, y] of dataIter(batchSize, features, labels)) {
    backward(() => tf.sum(loss(net(X, w, b), y)), [w, b]); // l.sum().backward()
    sgd([w, b], lr, batchSize); // 使用参数的梯度更新参数
  }
  const trainL = noGrad(() => item(tf.mean(loss(net(features, w, b), labels))));
  console.log(`scratch epoch ${epoch + 1}, loss ${trainL.toFixed(6)}`);
}
console.log(`scratch error in estimating w: ${fmt(tf.sub(trueW, tf.reshape(w.data, trueW.shape)))}`); // w的估计误差
console.log(`scratch error in estimating b: ${fmt(tf.sub(trueB, b.data))}`); // b的估计误差

// ---- 3.3 简洁实现 ----

// 3.3.2 读取数据集: load_array((features, labels), batch_size)
const loadArray = (dataArrays: tf.Tensor[], batchSize: number, isTrain = true) =>
  new DataLoader(new TensorDataset(...dataArrays), { batchSize, shuffle: isTrain });
const dataLoader = loadArray([features, labels], batchSize);

// 3.3.3 定义模型, 3.3.4 初始化模型参数
const concise = new nn.Sequential(new nn.Linear(2, 1));
const linear = concise.at(0) as nn.Linear;
nn.init.normal_(linear.weight, { mean: 0, std: 0.01 }); // net[0].weight.data.normal_(0, 0.01)
nn.init.constant_(linear.bias!, { val: 0 }); // net[0].bias.data.fill_(0)
// 3.3.5 定义损失函数, 3.3.6 定义优化算法
const mseLoss = new nn.MSELoss();
const trainer = new optim.SGD(concise.parameters(), { lr: 0.03 });

// 3.3.7 训练
for (let epoch = 0; epoch < numEpochs; epoch++) {
  for await (const [X, y] of dataLoader) {
    trainer.zeroGrad();
    backward(() => mseLoss.call(concise.call(X!), y!), concise.parameters()); // l.backward()
    trainer.step();
  }
  const l = noGrad(() => item(mseLoss.call(concise.call(features), labels)));
  console.log(`concise epoch ${epoch + 1}, loss ${l.toFixed(6)}`);
}
console.log(`concise error in estimating w: ${fmt(tf.sub(trueW, tf.reshape(linear.weight.data, trueW.shape)))}`);
console.log(`concise error in estimating b: ${fmt(tf.sub(trueB, linear.bias!.data))}`);
