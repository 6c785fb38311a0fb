import type { nn, tf } from '@trainkit/core';
import * as models from '../../src/index.js';

/** Each model of the fixture by its trainkit name, built with a numClasses. */
export const BUILDERS: Record<string, (numClasses: number | undefined) => nn.Module> = {
  vgg11: (numClasses) => models.vgg11({ numClasses }),
  vgg11Bn: (numClasses) => models.vgg11Bn({ numClasses }),
  vgg13: (numClasses) => models.vgg13({ numClasses }),
  vgg13Bn: (numClasses) => models.vgg13Bn({ numClasses }),
  vgg16: (numClasses) => models.vgg16({ numClasses }),
  vgg16Bn: (numClasses) => models.vgg16Bn({ numClasses }),
  vgg19: (numClasses) => models.vgg19({ numClasses }),
  vgg19Bn: (numClasses) => models.vgg19Bn({ numClasses }),
  resnet18: (numClasses) => models.resnet18({ numClasses }),
  resnet34: (numClasses) => models.resnet34({ numClasses }),
  resnet50: (numClasses) => models.resnet50({ numClasses }),
  alexnet: (numClasses) => models.alexnet({ numClasses }),
  lenet: (numClasses) => models.lenet({ numClasses }),
  tudui: (numClasses) => models.tudui({ numClasses }),
  Tudui: (numClasses) => new models.Tudui({ numClasses }),
  MLP: (numClasses) => new models.MLP({ numClasses }),
};

/** [name, shape, dtype] of each state-dict entry in order, dtypes as PyTorch names them (int32 buffers are its int64). */
export function stateKeys(model: nn.Module): [string, number[], string][] {
  return Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape, t.dtype === 'int32' ? 'int64' : t.dtype]);
}

export function parameterCount(model: nn.Module): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}

/** model(x) for any model of the zoo (MLP returns [logits, h2]). */
export function run(model: nn.Module, x: tf.Tensor): tf.Tensor | tf.Tensor[] {
  return (model.call as (...inputs: unknown[]) => tf.Tensor | tf.Tensor[]).call(model, x);
}

/**
 * Resolves after one turn of the event loop. The forward passes are long synchronous computations; between tests
 * this lets the worker answer vitest's RPC, which times out after 60 s without a turn ("Timeout calling
 * onTaskUpdate") when tests run back to back on a loaded machine.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
