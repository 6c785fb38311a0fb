// The PyTorch tutorial's train.py (P27–P29): the Tudui network on CIFAR-10 with cross-entropy and SGD(1e-2), a test
// pass under no_grad after each epoch with loss and accuracy, TensorBoard logs, and the model saved every epoch.
// Here it reads the committed sample (1,600 training, 1,000 test images); apps/cifar-train is the full program.
//   tsx examples/cifar-train.ts [--epochs 10] [--limit-train N] [--limit-test N]
import { argmax, backward, item, manualSeed, nn, noGrad, optim, saveModel, tf, useBackend } from '@trainkit/core';
import { CIFAR10, DataLoader, type Dataset, Subset } from '@trainkit/data';
import { Tudui } from '@trainkit/models';
import { SummaryWriter } from '@trainkit/tensorboard';
import { CIFAR10_SAMPLE, tutorialOptions } from './lib/tutorial-options.js';

const opts = tutorialOptions(
  { name: 'cifar-train', description: "the PyTorch tutorial's train.py on the CIFAR-10 sample" },
  {
    epochs: { type: 'int', min: 1, default: 10, help: 'epochs, the tutorial\'s "epoch"' },
    batchSize: { type: 'int', min: 1, default: 64, help: 'images per batch' },
    limitTrain: { type: 'int', min: 1, help: 'use only the first N training images' },
    limitTest: { type: 'int', min: 1, help: 'use only the first N test images' },
    logEvery: { type: 'int', min: 1, default: 100, help: 'print and log train_loss every N steps' },
    seed: { type: 'int', default: 0, help: "seed of the network's initial weights" },
  },
);
await useBackend();
manualSeed(opts.seed);
const first = <T>(dataset: Dataset<T>, n: number | undefined) =>
  n === undefined ? dataset : new Subset(dataset, [...Array(Math.min(n, dataset.length)).keys()]);

// 准备数据集
const trainData = first(await CIFAR10.load({ root: CIFAR10_SAMPLE, train: true }), opts.limitTrain);
const testData = first(await CIFAR10.load({ root: CIFAR10_SAMPLE, train: false }), opts.limitTest);
const trainDataSize = trainData.length;
const testDataSize = testData.length;
console.log(`training set size: ${trainDataSize}`); // 训练数据集的长度为：{}
console.log(`test set size: ${testDataSize}`); // 测试数据集的长度为：{}

// 利用 DataLoader 来加载数据集
const trainDataloader = new DataLoader(trainData, { batchSize: opts.batchSize });
const testDataloader = new DataLoader(testData, { batchSize: opts.batchSize });

// 创建网络模型
const tudui = new Tudui();
// 损失函数
const lossFn = new nn.CrossEntropyLoss();
// 优化器
const learningRate = 1e-2;
const optimizer = new optim.SGD(tudui.parameters(), { lr: learningRate });

// 设置训练网络的一些参数
let totalTrainStep = 0; // 记录训练的次数
let totalTestStep = 0; // 记录测试的次数
const epoch = opts.epochs; // 训练的轮数

// 添加tensorboard
const writer = new SummaryWriter(`${opts.outDir}/logs_train`);

for (let i = 0; i < epoch; i++) {
  console.log(`------- epoch ${i + 1} -------`); // -------第 {} 轮训练开始-------

  // 训练步骤开始
  tudui.train();
  for await (const [imgs, targets] of trainDataloader) {
    optimizer.zeroGrad();
    // outputs = tudui(imgs); loss = loss_fn(outputs, targets); loss.backward()
    const loss = backward(() => lossFn.call(tudui.call(imgs), targets), tudui.parameters());
    optimizer.step();

    totalTrainStep += 1;
    if (totalTrainStep % opts.logEvery === 0) {
      console.log(`step ${totalTrainStep}, loss: ${loss}`); // 训练次数：{}, Loss: {}
      writer.addScalar('train_loss', loss, totalTrainStep);
    }
  }

  // 测试步骤开始
  tudui.eval();
  let totalTestLoss = 0;
  let totalAccuracy = 0;
  for await (const [imgs, targets] of testDataloader) {
    // with torch.no_grad(): (noGrad records no gradients and frees what the batch made)
    const [loss, accuracy] = noGrad(() => {
      const outputs = tudui.call(imgs);
      // (outputs.argmax(1) == targets).sum()
      return [item(lossFn.call(outputs, targets)), item(tf.sum(tf.equal(argmax(outputs, 1), targets)))];
    });
    totalTestLoss += loss;
    totalAccuracy += accuracy;
  }
  console.log(`test loss: ${totalTestLoss}`); // 整体测试集上的Loss: {}
  console.log(`test accuracy: ${totalAccuracy / testDataSize}`); // 整体测试集上的正确率: {}
  writer.addScalar('test_loss', totalTestLoss, totalTestStep);
  writer.addScalar('test_accuracy', totalAccuracy / testDataSize, totalTestStep);
  totalTestStep += 1;

  // torch.save(tudui, "tudui_{}.pth".format(i)): the whole model (weights and architecture), which cifar-predict.ts
  // loads with loadModel(path) alone
  await saveModel(tudui, `${opts.outDir}/tudui_${i}.safetensors`);
  console.log(`model saved: ${opts.outDir}/tudui_${i}.safetensors`); // 模型已保存
}

await writer.close();
