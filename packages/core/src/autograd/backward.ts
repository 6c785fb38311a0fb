import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';
import { withRecording } from './grad-mode.js';

/**
 * Computes `closure()` and adds d(loss)/d(p) to `p.grad` for every parameter that requires a gradient — the
 * TensorFlow.js form of `loss = ...; loss.backward()`. tfjs records a tape only while a function runs, so the loss
 * is passed as the function that computes it. Gradients accumulate across calls until zeroGrad(), as in PyTorch.
 * Returns the loss as a number.
 */
export function backward(closure: () => tf.Tensor, params: Iterable<Parameter>): number {
  const all = [...params];
  const trainable = all.filter((p) => p.requiresGrad);
  if (trainable.length === 0) {
    throw new Error(
      `backward: none of the ${all.length} parameters requires a gradient (all are frozen with requiresGrad = false)`,
    );
  }
  const byVar = new Map(trainable.map((p) => [p.data.name, p]));
  const { value, grads } = withRecording(() =>
    tf.variableGrads(
      () => {
        const loss = closure();
        if (!(loss instanceof tf.Tensor))
          throw new Error(`backward: the closure must return a tensor, got ${typeof loss}`);
        if (loss.rank !== 0) {
          throw new Error(
            `backward: the loss must be a scalar, got shape [${loss.shape.join(', ')}]; reduce it (mean or sum) first, as PyTorch only creates the gradient implicitly for scalar outputs`,
          );
        }
        return loss as tf.Scalar;
      },
      trainable.map((p) => p.data),
    ),
  );
  for (const [name, g] of Object.entries(grads)) {
    const p = byVar.get(name)!;
    if (p.grad === null) {
      p.grad = g;
    } else {
      const sum = tf.add(p.grad, g);
      p.grad.dispose();
      g.dispose();
      p.grad = sum;
    }
  }
  const loss = value.dataSync()[0]!;
  value.dispose();
  return loss;
}
