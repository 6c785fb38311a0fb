import { type nn, noGrad, tf } from '@trainkit/core';

/**
 * d2l's from-scratch minibatch SGD: p ← p − lr · p.grad / batchSize for every parameter with a gradient, then the
 * gradient is cleared (d2l's `param.grad.zero_()`), so the next backward starts from zero.
 */
export function sgd(params: Iterable<nn.Parameter>, lr: number, batchSize: number): void {
  noGrad(() => {
    for (const p of params) {
      if (!p.grad) continue;
      const grad = p.grad;
      p.data.assign(tf.tidy(() => tf.sub(p.data, tf.mul(grad, lr / batchSize))));
      p.zeroGrad();
    }
  });
}
