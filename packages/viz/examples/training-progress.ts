import { backward, nn, optim, useBackend } from '@trainkit/core';
import { CIFAR10, DataLoader } from '@trainkit/data';
import { Animator, progress, summary } from '@trainkit/viz';

await useBackend();
const loader = new DataLoader(await CIFAR10.load({ root: 'data', train: true }), { batchSize: 64, shuffle: true });
const model = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.Flatten(), new nn.Linear(7200, 10));
console.log(summary(model, { inputSize: [64, 3, 32, 32] })); // torchinfo's table
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
const animator = new Animator({ xlabel: 'epoch', legend: ['train loss'], file: 'curves.png' });
for (let epoch = 1; epoch <= 3; epoch++) {
  let loss = 0;
  for await (const [x, y] of progress(loader, { desc: `epoch ${epoch}`, unit: 'batch' })) {
    optimizer.zeroGrad();
    loss = backward(() => lossFn.call(model.call(x), y), model.parameters());
    optimizer.step();
  }
  animator.add(epoch, { 'train loss': loss }); // curves.png is rewritten after each add
}
