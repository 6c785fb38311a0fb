// The two networks the bench times, the tutorial networks of @trainkit/test-models built from trainkit's public API
// as a user would, on the same synthetic batch shapes and with the same optimizers as
// tools/bench/reference/{cifar_net,mnist_mlp}.py: the CIFAR-10 network with SGD(lr 0.01), the MNIST MLP with
// Adam(lr 1e-3).
import { nn, noGrad, optim, tf } from '@trainkit/core';
import { MLP, tudui } from '@trainkit/test-models';

export type BenchModel = 'cifar' | 'mnist';
export type BenchTask = 'train' | 'infer';

export const BATCH = 64;

/** One training step and one inference pass on a fixed batch; both leave no tensors behind. */
export interface BenchWorkload {
  train(): number;
  infer(): void;
  dispose(): void;
}

export function makeWorkload(which: BenchModel): BenchWorkload {
  const model: nn.Sequential | MLP = which === 'cifar' ? tudui() : new MLP();
  // the MLP also returns its h_2 (for the tutorial's PCA plot); the bench, like the reference, takes the logits
  const logits = (x: tf.Tensor) => (model instanceof MLP ? model.forward(x)[0] : model.forward(x));
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
      return optimizer.step(() => lossFn.forward(logits(x), y) as tf.Tensor) as number;
    },
    infer() {
      model.eval();
      // read the predictions back, as a user's accuracy metric would: the work is done when the clock stops
      const predicted = noGrad(() => tf.argMax(logits(x), 1));
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
