import { backward, nn, optim } from '@trainkit/core';
import { CIFAR10, DataLoader } from '@trainkit/data';
import { evaluate } from '@trainkit/metrics';
import { parseFlags, TrainingRun, trainingFlags } from '@trainkit/train';

const flags = trainingFlags({ epochs: 2, batchSize: 64, lr: 0.01, logDir: 'runs/tiny-cifar', dataDir: 'data' });
const { values: config } = parseFlags(process.argv.slice(2), flags); // --epochs 5, --resume CKPT, --backend wasm …
const run = await TrainingRun.start({ app: 'tiny-cifar', config, from: import.meta.url }); // backend, --resume, seed
const trainSet = await CIFAR10.load({ root: config.dataDir, train: true });
const testSet = await CIFAR10.load({ root: config.dataDir, train: false });
const loader = new DataLoader(trainSet, {
  batchSize: config.batchSize,
  shuffle: true,
  generator: run.shuffleGenerator,
});
const testLoader = new DataLoader(testSet, { batchSize: config.batchSize });
const model = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(7200, 10));
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: config.lr });
await run.setup({ model, optimizer, datasets: { train: 'CIFAR-10' }, graphInput: [1, 3, 32, 32] });
const result = await run.fit(async () => {
  for (const _epoch of run.epochs()) {
    model.train();
    for await (const [imgs, targets] of run.batches(loader)) {
      optimizer.zeroGrad();
      const loss = backward(() => lossFn.call(model.call(imgs), targets), model.parameters());
      optimizer.step();
      run.step(loss, imgs.shape[0]);
    }
    const test = await evaluate(model, testLoader, lossFn);
    await run.endEpoch({ testLoss: test.loss, testAccuracy: test.accuracy }, { best: ['testAccuracy', 'max'] });
  }
});
console.log(`logs and checkpoints in ${result.runDir}`); // tensorboard --logdir runs/tiny-cifar
process.exitCode = result.exitCode; // 130 after Ctrl-C, with a checkpoint to --resume from
