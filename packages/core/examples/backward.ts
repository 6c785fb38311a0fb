import { backward, nn, optim, tf, useBackend } from '@trainkit/core';

await useBackend();
const model = new nn.Linear(4, 3);
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
const x = tf.randomNormal([8, 4]);
const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');

optimizer.zeroGrad();
const loss = backward(() => lossFn.call(model.call(x), y), model.parameters()); // loss.backward(): grads accumulate in p.grad
console.log(`loss ${loss.toFixed(4)}, weight.grad ${model.weight.grad?.shape}`); // weight.grad [3, 4]
optimizer.step();
// or, in one call: const loss = optimizer.step(() => lossFn.call(model.call(x), y));
