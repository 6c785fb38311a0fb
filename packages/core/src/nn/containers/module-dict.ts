import { Module } from '../module.js';

/**
 * Holds submodules by name so their parameters are registered, like torch.nn.ModuleDict; it has no forward. Its
 * items are its registered children, so a module added with registerModule is one of them too.
 */
export class ModuleDict<M extends Module = Module> extends Module {
  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  /** Adds `module` under `key`, or replaces the one there in its place (PyTorch's `d[key] = module`). */
  set(key: string, module: M): this {
    this.registerModule(key, module);
    return this;
  }

  get(key: string): M {
    const m = this.#items().get(key);
    if (!m) throw new Error(`ModuleDict: no module '${key}' (has ${this.keys().join(', ') || 'none'})`);
    return m;
  }

  has(key: string): boolean {
    return this.#items().has(key);
  }

  /** Removes the module under `key` (PyTorch's `del d[key]`). */
  delete(key: string): void {
    this.deleteModule(key);
  }

  keys(): string[] {
    return [...this.#items().keys()];
  }

  entries(): [string, M][] {
    return [...this.#items().entries()];
  }

  get size(): number {
    return this.#items().size;
  }

  forward(): never {
    throw new Error('ModuleDict has no forward: look up its modules by key and call them');
  }

  #items(): Map<string, M> {
    return new Map(this.namedChildren() as [string, M][]);
  }
}
