import { manualSeed, nn, noGrad, optim, tf, useBackend } from '@trainkit/core';

await useBackend(); // TRAINKIT_BACKEND, else 'auto': tfjs-node-gpu → tfjs-node → native → wasm → cpu
manualSeed(0);
const model = new nn.Sequential(
  new nn.Conv2d(1, 8, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.Flatten(),
  new nn.Linear(8 * 28 * 28, 10),
);
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = tf.randomNormal([16, 1, 28, 28]);
const y = tf.tensor1d(
  [...Array(16).keys()].map((i) => i % 10),
  'int32',
);
for (let step = 1; step <= 5; step++) {
  const loss = optimizer.step(() => lossFn.call(model.call(x), y)); // zeroGrad + backward + update; returns the loss
  console.log(`step ${step}: loss ${loss?.toFixed(4)}`);
}
const logits = noGrad(() => model.eval().call(x)); // no tape, intermediates disposed
console.log(logits.shape); // [16, 10]
await model.save('model.safetensors'); // loads in PyTorch with load_state_dict
