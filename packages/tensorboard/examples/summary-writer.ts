import { backward, nn, optim, tf, useBackend } from '@trainkit/core';
import { SummaryWriter } from '@trainkit/tensorboard';

await useBackend();
const model = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(7200, 10));
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
const images = tf.randomUniform([16, 3, 32, 32]); // a batch of CIFAR-sized images in [0, 1]
const labels = tf.tensor1d(
  [...Array(16).keys()].map((i) => i % 10),
  'int32',
);

const writer = new SummaryWriter('runs/cifar'); // or new SummaryWriter() → runs/<Mon DD_HH-MM-SS>_<host>
writer.addGraph(model, images); // a trainkit Module, a tfjs LayersModel, or a GraphSource
writer.addImages('input', images, 0); // NCHW floats in [0, 1] (or uint8), tiled 8 per row
for (let step = 1; step <= 20; step++) {
  optimizer.zeroGrad();
  const loss = backward(() => lossFn.call(model.call(images), labels), model.parameters());
  optimizer.step();
  if (step % 5 === 0) writer.addScalar('train_loss', loss, step);
}
for (const [name, p] of model.namedParameters()) writer.addHistogram(name, p.data, 20);
writer.addHparams({ lr: 0.01, batch_size: 16 }, { train_loss: null }); // same run as the curves
await writer.close(); // then: tensorboard --logdir runs
