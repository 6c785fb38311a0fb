// Looking at a model before training it: print(model), torchinfo's summary and a tqdm bar over the DataLoader —
// the PyTorch tutorial's Tudui network on the CIFAR-10 sample.
//   tsx examples/model-printing.ts [--limit 256] [--batch-size 64]
import { noGrad, tf, useBackend } from '@trainkit/core';
import { CIFAR10, DataLoader, Subset } from '@trainkit/data';
import { Tudui } from '@trainkit/models';
import { progress, summary } from '@trainkit/viz';
import { CIFAR10_SAMPLE, tutorialOptions } from './lib/tutorial-options.js';

const opts = tutorialOptions(
  { name: 'model-printing', description: 'print(model), torchinfo.summary and tqdm over a DataLoader' },
  {
    limit: { type: 'int', min: 1, help: 'use only the first N test images (default: all)' },
    batchSize: { type: 'int', min: 1, default: 64, help: 'images per batch' },
  },
);
await useBackend();

// print(tudui)
const tudui = new Tudui();
console.log(String(tudui));

// from torchinfo import summary; summary(tudui, input_size=(64, 3, 32, 32))
console.log(String(summary(tudui, { inputSize: [opts.batchSize, 3, 32, 32] })));

// summary(tudui, input_size=..., col_names=["input_size", "output_size", "num_params", "kernel_size", "mult_adds"])
console.log(
  String(
    summary(tudui, {
      inputSize: [opts.batchSize, 3, 32, 32],
      colNames: ['input_size', 'output_size', 'num_params', 'kernel_size', 'mult_adds'],
      depth: 2,
    }),
  ),
);

// test_data = torchvision.datasets.CIFAR10("./dataset", train=False, transform=ToTensor())
const testSet = await CIFAR10.load({ root: CIFAR10_SAMPLE, train: false });
const testData = opts.limit ? new Subset(testSet, [...Array(Math.min(opts.limit, testSet.length)).keys()]) : testSet;
const testDataloader = new DataLoader(testData, { batchSize: opts.batchSize });

// for imgs, targets in tqdm(test_dataloader): outputs = tudui(imgs)
tudui.eval();
let seen = 0;
const bar = progress(testDataloader, { desc: 'forward', unit: 'batch' });
for await (const [imgs, targets] of bar) {
  const outputs = noGrad(() => tudui.call(imgs));
  seen += targets.shape[0]!;
  bar.setPostfix({ images: seen });
  outputs.dispose();
}
console.log(
  `${seen} images through the network in ${testDataloader.length} batches; live tensors ${tf.memory().numTensors}`,
);
