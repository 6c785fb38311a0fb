import { backendInfo, nn, optim, tf, useBackend } from '@trainkit/core';

// with "@trainkit/backend-wasm" in the app's dependencies, 'auto' reaches wasm when tfjs-node and native are absent
await useBackend('wasm');
console.log(backendInfo()?.threads); // XNNPACK threads, one per core (at most 8)
const model = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.Flatten(), new nn.Linear(8 * 30 * 30, 10));
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
const x = tf.randomNormal([4, 3, 32, 32]);
const y = tf.tensor1d([0, 1, 2, 3], 'int32');
const loss = optimizer.step(() => new nn.CrossEntropyLoss().call(model.call(x), y)); // conv gradients run here, on wasm
console.log(`loss ${loss}`);
