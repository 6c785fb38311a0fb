import type { tf } from '../../tf.js';
import { Module } from '../module.js';
import { ModuleSequence } from './module-sequence.js';

/**
 * Runs its modules in order, each one's output the next one's input, like torch.nn.Sequential. The modules are its
 * registered children (module-sequence.ts), given positionally (keys '0', '1', …) or by name in one object.
 */
export class Sequential extends ModuleSequence {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    const named = modules.length === 1 && first && !(first instanceof Module) ? first : undefined;
    for (const [name, m] of Object.entries(named ?? modules)) this.registerModule(name, m as Module);
  }

  forward(input: tf.Tensor): tf.Tensor {
    let x: unknown = input;
    for (const module of this) x = (module.call as (...a: unknown[]) => unknown).call(module, x);
    return x as tf.Tensor;
  }
}
