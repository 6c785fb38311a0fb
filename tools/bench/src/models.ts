// The two networks the bench times, built from trainkit's public API exactly as a user would write them, with the
// same synthetic batch shapes as tools/bench/reference/{cifar_net,mnist_mlp}.py.
import { F, nn, noGrad, optim, tf } from '@trainkit/core';

export type BenchModel = 'cifar' | 'mnist';
export type BenchTask = 'train' | 'infer';

export const BATCH = 64;

/** One training step and one inference pass on a fixed batch; both leave no tensors behind. */
export interface BenchWorkload {
  train(): number;
  infer(): void;
  dispose(): void;
}

/** The CIFAR-10 tutorial network of shared/DESIGN.md (the seed's Tudui), trained with SGD(lr 0.01). */
function cifarNet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 32, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 32, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(1024, 64),
    new nn.Linear(64, 10),
  );
}

/** The MNIST tutorials' multilayer perceptron, 784-250-100-10 with ReLU, trained with Adam(lr 1e-3). */
class MLP extends nn.Module {
  readonly input_fc = new nn.Linear(784, 250);
  readonly hidden_fc = new nn.Linear(250, 100);
  readonly output_fc = new nn.Linear(100, 10);

  forward(x: tf.Tensor): tf.Tensor {
    const flat = tf.reshape(x, [x.shape[0]!, -1]);
    const h1 = F.relu(this.input_fc.call(flat));
    const h2 = F.relu(this.hidden_fc.call(h1));
    return this.output_fc.call(h2);
  }
}

export function makeWorkload(which: BenchModel): BenchWorkload {
  const model: nn.Sequential | MLP = which === 'cifar' ? cifarNet() : new MLP();
  const optimizer =
    which === 'cifar'
      ? new optim.SGD(model.parameters(), { lr: 0.01 })
      : new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const inputShape = which === 'cifar' ? [BATCH, 3, 32, 32] : [BATCH, 1, 28, 28];
  const x = tf.randomUniform(inputShape, -1, 1, 'float32', 11);
  const y = tf.tensor1d(
    Array.from({ length: BATCH }, (_, i) => (i * 7) % 10),
    'int32',
  );
  return {
    train() {
      model.train();
      return optimizer.step(() => lossFn.forward(model.forward(x), y) as tf.Tensor) as number;
    },
    infer() {
      model.eval();
      // read the predictions back, as a user's accuracy metric would: the work is done when the clock stops
      const predicted = noGrad(() => tf.argMax(model.forward(x), 1));
      predicted.dataSync();
      predicted.dispose();
    },
    dispose() {
      tf.dispose([x, y]);
      for (const s of optimizer.state.values())
        for (const v of Object.values(s)) if (v instanceof tf.Tensor) v.dispose();
      for (const p of model.parameters()) p.dispose();
    },
  };
}
