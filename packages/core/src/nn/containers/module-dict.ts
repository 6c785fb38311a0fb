import { Module } from '../module.js';

/** Holds submodules by name so their parameters are registered, like torch.nn.ModuleDict; it has no forward. */
export class ModuleDict<M extends Module = Module> extends Module {
  readonly #items = new Map<string, M>();

  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  set(key: string, module: M): this {
    this.registerModule(key, module);
    this.#items.set(key, module);
    return this;
  }

  get(key: string): M {
    const m = this.#items.get(key);
    if (!m) throw new Error(`ModuleDict: no module '${key}' (has ${[...this.#items.keys()].join(', ') || 'none'})`);
    return m;
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  entries(): [string, M][] {
    return [...this.#items.entries()];
  }

  get size(): number {
    return this.#items.size;
  }

  forward(): never {
    throw new Error('ModuleDict has no forward: look up its modules by key and call them');
  }
}
