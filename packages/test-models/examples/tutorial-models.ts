import { nn, optim, tf } from '@trainkit/core';
import { MLP, Tudui, tudui } from '@trainkit/test-models'; // the same classes as '@trainkit/models' exports

const cifar = new Tudui(); // state dict model.0.weight, …: the PyTorch tutorial's weights load into it
const seq = tudui(); // the same layers as a bare nn.Sequential (0.weight, …), as the fixture scripts build it
const [logits, h2] = new MLP().forward(tf.zeros([64, 1, 28, 28])); // [64, 10] and the [64, 100] of the PCA plot

const x = tf.randomUniform([8, 3, 32, 32]);
const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
const optimizer = new optim.SGD(cifar.parameters(), { lr: 0.01 });
const loss = optimizer.step(() => new nn.CrossEntropyLoss().call(cifar.call(x), y));
console.log(seq.length, logits.shape, h2.shape, loss); // 9 [64, 10] [64, 100] 2.3…
