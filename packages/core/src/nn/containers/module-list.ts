import type { Module } from '../module.js';
import { ModuleSequence } from './module-sequence.js';

/**
 * Holds submodules in a list so their parameters are registered, like torch.nn.ModuleList; it has no forward. Its
 * items are its registered children, edited with append, extend, insert, set and delete (module-sequence.ts).
 */
export class ModuleList<M extends Module = Module> extends ModuleSequence<M> {
  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  forward(): never {
    throw new Error('ModuleList has no forward: iterate over it and call its modules');
  }
}
