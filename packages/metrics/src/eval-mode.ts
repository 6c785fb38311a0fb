import { type nn, tf } from '@trainkit/core';
import { describeValue } from './read-scalars.js';

/**
 * Runs fn with the model in eval mode and puts every submodule's own `training` flag back afterwards, also when fn
 * throws. Flags are restored one by one rather than with train(previous), so a model with, say, a frozen BatchNorm
 * kept in eval inside a training model comes back exactly as it was.
 */
export async function withEvalMode<T>(model: nn.Module, fn: () => Promise<T>): Promise<T> {
  const saved = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    return await fn();
  } finally {
    for (const [m, training] of saved) m.training = training;
  }
}

/**
 * The model's logits for x through Module.call (so forward hooks run). A model that returns an array, like seed 004's
 * `(y_pred, h)`, gives its first element.
 */
export function forwardLogits(model: nn.Module, x: tf.Tensor, where: string): tf.Tensor {
  const out = (model as unknown as { call(input: tf.Tensor): unknown }).call(x);
  const logits = Array.isArray(out) ? out[0] : out;
  if (!(logits instanceof tf.Tensor)) {
    throw new TypeError(
      `${where}: the model returned ${describeValue(out)}; expected a tensor of logits (or an array starting with one)`,
    );
  }
  return logits;
}

export function checkModel(model: unknown, where: string): asserts model is nn.Module {
  const m = model as Partial<nn.Module> | null;
  if (m === null || typeof m !== 'object' || typeof m.call !== 'function' || typeof m.modules !== 'function') {
    throw new TypeError(`${where}: model must be an nn.Module, got ${describeValue(model)}`);
  }
}
