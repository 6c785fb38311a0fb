// Dive into Deep Learning on Fashion-MNIST: 3.5 (the dataset), 3.6 (softmax regression from scratch with
// train_ch3 and predict_ch3), 3.7 (its concise implementation) and 6.6 (LeNet with train_ch6), on the committed
// sample (3,000 training and 1,000 test images).
//   tsx examples/d2l-softmax-lenet.ts [--num-epochs 10] [--lenet-epochs 10] [--limit-train N] [--limit-test N]
import { gather, manualSeed, nn, noGrad, optim, tf, tryGpu, useBackend } from '@trainkit/core';
import { DataLoader, type Dataset, FashionMNIST, Subset } from '@trainkit/data';
import { accuracy } from '@trainkit/metrics';
import { lenet } from '@trainkit/models';
import { evaluateNet, sgd, trainCh3, trainCh6 } from '@trainkit/train';
import { Animator, showImages } from '@trainkit/viz';
import { FASHION_MNIST_SAMPLE, tutorialOptions } from './lib/tutorial-options.js';

const opts = tutorialOptions(
  { name: 'd2l-softmax-lenet', description: 'd2l 3.5–3.7 (softmax regression, train_ch3) and 6.6 (LeNet, train_ch6)' },
  {
    numEpochs: { type: 'int', min: 1, default: 10, help: 'epochs of softmax regression (3.6 and 3.7)' },
    lenetEpochs: { type: 'int', min: 1, default: 10, help: 'epochs of LeNet (6.6)' },
    limitTrain: { type: 'int', min: 1, help: 'use only the first N training images' },
    limitTest: { type: 'int', min: 1, help: 'use only the first N test images' },
    seed: { type: 'int', default: 0, help: 'seed of the initial weights and the shuffling' },
  },
);
await useBackend();
manualSeed(opts.seed);
const first = <T>(dataset: Dataset<T>, n: number | undefined) =>
  n === undefined ? dataset : new Subset(dataset, [...Array(Math.min(n, dataset.length)).keys()]);

// ---- 3.5 图像分类数据集 ----

/** d2l.get_fashion_mnist_labels */
const getFashionMnistLabels = (labels: Iterable<number>) => {
  const textLabels = [
    't-shirt',
    'trouser',
    'pullover',
    'dress',
    'coat',
    'sandal',
    'shirt',
    'sneaker',
    'bag',
    'ankle boot',
  ];
  return Array.from(labels, (i) => textLabels[i]!);
};

/** d2l.load_data_fashion_mnist: the sample's two splits, the training one shuffled (ToTensor is the loader's collate) */
async function loadDataFashionMnist(batchSize: number) {
  const mnistTrain = first(await FashionMNIST.load({ root: FASHION_MNIST_SAMPLE, train: true }), opts.limitTrain);
  const mnistTest = first(await FashionMNIST.load({ root: FASHION_MNIST_SAMPLE, train: false }), opts.limitTest);
  return [
    new DataLoader(mnistTrain, { batchSize, shuffle: true }),
    new DataLoader(mnistTest, { batchSize, shuffle: false }),
  ] as const;
}

const batchSize = 256;
const [trainIter, testIter] = await loadDataFashionMnist(batchSize);
for await (const [X, y] of trainIter) {
  console.log(`X [${X.shape}] ${X.dtype}, y [${y.shape}] ${y.dtype}`); // torch.Size([256, 1, 28, 28]) …
  // d2l.show_images(X.reshape(18, 28, 28), 2, 9, titles=get_fashion_mnist_labels(y))
  const n = Math.min(18, X.shape[0]!);
  const figure = showImages(X.slice(0, n).reshape([n, 28, 28]), {
    ncols: 9,
    titles: getFashionMnistLabels(y.slice(0, n).dataSync()),
  });
  await figure.save(`${opts.outDir}/fashion-mnist.png`);
  break;
}

// ---- 3.6 softmax回归的从零开始实现 ----

const numInputs = 784;
const numOutputs = 10;
const W = nn.init.normal_(new nn.Parameter(tf.zeros([numInputs, numOutputs])), { mean: 0, std: 0.01 });
const b = new nn.Parameter(tf.zeros([numOutputs]));

// 3.6.2 定义softmax操作
const softmax = (X: tf.Tensor) => {
  const XExp = tf.exp(X);
  const partition = tf.sum(XExp, 1, true);
  return tf.div(XExp, partition); // 这里应用了广播机制
};
{
  const X = tf.randomNormal([2, 5]);
  const XProb = softmax(X);
  console.log(
    `softmax rows sum to ${JSON.stringify((tf.sum(XProb, 1).arraySync() as number[]).map((v) => v.toFixed(4)))}`,
  );
}

// 3.6.3 定义模型
const net = (X: tf.Tensor) => softmax(tf.add(tf.matMul(tf.reshape(X, [-1, W.data.shape[0]!]), W.data), b.data));

// 3.6.4 定义损失函数: y_hat[range(len(y_hat)), y] is a gather along dim 1
const crossEntropy = (yHat: tf.Tensor, y: tf.Tensor) => tf.neg(tf.log(gather(yHat, 1, tf.reshape(y, [-1, 1]))));
{
  const y = tf.tensor1d([0, 2], 'int32');
  const yHat = tf.tensor2d([
    [0.1, 0.3, 0.6],
    [0.3, 0.2, 0.5],
  ]);
  console.log(`y_hat[[0, 1], y] ${JSON.stringify(gather(yHat, 1, tf.reshape(y, [-1, 1])).arraySync())}`); // [[0.1], [0.5]]
  console.log(`cross_entropy ${JSON.stringify(crossEntropy(yHat, y).arraySync())}`); // [2.3026, 0.6931]
  // 3.6.5 分类精度: accuracy(y_hat, y) / len(y)
  console.log(`accuracy ${accuracy(yHat, y) / y.shape[0]!}`); // 0.5
}
console.log(`evaluate_accuracy before training ${(await evaluateNet(net, testIter)).toFixed(4)}`); // about 0.1

// 3.6.6 训练
const lr = 0.1;
const updater = (batchSize: number) => sgd([W, b], lr, batchSize);
const numEpochs = opts.numEpochs;
const animatorOf = (name: string, epochs: number) =>
  new Animator({
    xlabel: 'epoch',
    xlim: [1, epochs],
    ylim: [0.3, 0.9],
    legend: ['train loss', 'train acc', 'test acc'],
    file: `${opts.outDir}/${name}.png`,
  });
const scratch = await trainCh3(net, trainIter, testIter, crossEntropy, numEpochs, updater, {
  params: [W, b],
  animator: animatorOf('train-ch3-scratch', numEpochs),
});
console.log(
  `scratch: train loss ${scratch.trainLoss.toFixed(3)}, train acc ${scratch.trainAcc.toFixed(3)}, test acc ${scratch.testAcc.toFixed(3)}`,
);

// 3.6.7 预测: predict_ch3(net, test_iter), the true and predicted labels over the first six test images
for await (const [X, y] of testIter) {
  const trues = getFashionMnistLabels(y.dataSync());
  const preds = getFashionMnistLabels(noGrad(() => tf.argMax(net(X), 1)).dataSync());
  const n = 6;
  const titles = trues.map((t, i) => `${t}\n${preds[i]}`);
  await showImages(X.slice(0, n).reshape([n, 28, 28]), { ncols: n, titles: titles.slice(0, n) }).save(
    `${opts.outDir}/predict-ch3.png`,
  );
  console.log(
    `predict_ch3: ${titles
      .slice(0, n)
      .map((t) => t.replace('\n', ' → '))
      .join(', ')}`,
  );
  break;
}

// ---- 3.7 softmax回归的简洁实现 ----

// PyTorch不会隐式地调整输入的形状: a Flatten layer before the linear one
const concise = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10));
concise.apply((m) => {
  if (m instanceof nn.Linear) nn.init.normal_(m.weight, { std: 0.01 }); // init_weights
});
const loss = new nn.CrossEntropyLoss({ reduction: 'none' });
const trainer = new optim.SGD(concise.parameters(), { lr: 0.1 });
const conciseResult = await trainCh3(concise, trainIter, testIter, loss, numEpochs, trainer, {
  animator: animatorOf('train-ch3-concise', numEpochs),
});
console.log(
  `concise: train loss ${conciseResult.trainLoss.toFixed(3)}, train acc ${conciseResult.trainAcc.toFixed(3)}, test acc ${conciseResult.testAcc.toFixed(3)}`,
);

// ---- 6.6 卷积神经网络（LeNet） ----

const lenetNet = lenet();
{
  // X = torch.rand(size=(1, 1, 28, 28)); for layer in net: X = layer(X); print(layer.__class__.__name__, X.shape)
  // a Sequential's children are plain Modules to the type checker: say that each takes and gives one tensor
  const layerOf = (m: nn.Module) => (x: tf.Tensor) => (m.call as (x: tf.Tensor) => tf.Tensor).call(m, x);
  let X: tf.Tensor = tf.randomUniform([1, 1, 28, 28]);
  for (const layer of lenetNet) {
    X = noGrad(() => layerOf(layer)(X));
    console.log(`${layer.constructor.name.padEnd(10)} output shape: [${X.shape}]`);
  }
}
const lenetResult = await trainCh6(lenetNet, trainIter, testIter, opts.lenetEpochs, 0.9, tryGpu(), {
  animator: new Animator({
    xlabel: 'epoch',
    xlim: [1, opts.lenetEpochs],
    legend: ['train loss', 'train acc', 'test acc'],
    file: `${opts.outDir}/train-ch6-lenet.png`,
  }),
}); // loss …, train acc …, test acc … / … examples/sec on cpu
console.log(`lenet test acc ${lenetResult.testAcc.toFixed(3)}`);
