import { Module } from '../module.js';

/**
 * What Sequential and ModuleList share: their items are the module's own children, in registration order and
 * indexed by position (negative from the end). That registry is the one list that forward, parameters(),
 * stateDict() and toString() all read, so a module added with registerModule is run and trained as well as listed.
 * Edits follow PyTorch's container.py: append and insert key by position ('0', '1', …), set replaces a module under
 * its key and in its place, delete renumbers the modules left '0', '1', … in order.
 */
export abstract class ModuleSequence<M extends Module = Module> extends Module {
  get length(): number {
    return this.namedChildren().length;
  }

  /** The i-th module; negative indices count from the end. */
  at(i: number): M {
    return this.#entry(i)[1];
  }

  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  /** Adds `module` last under the key str(length), as PyTorch's append. */
  append(module: M): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Puts `module` at position i (−length ≤ i ≤ length), each later module moving up one key (key k + 1 takes key k's
   * module), as PyTorch's insert; that shift needs the keys from i on to be positions.
   */
  insert(i: number, module: M): this {
    const n = this.length;
    if (!Number.isInteger(i) || i < -n || i > n) {
      throw new RangeError(`${this.typeName}.insert: index ${i} out of range for ${n} modules`);
    }
    const at = i < 0 ? i + n : i;
    const byKey = new Map(this.namedChildren());
    const moved = Array.from({ length: n - at }, (_, k) => byKey.get(String(at + k)));
    // checked before anything moves: PyTorch's KeyError here leaves a half-shifted list behind
    if (moved.some((m) => !m)) {
      const keys = [...byKey.keys()].join(', ');
      throw new Error(`${this.typeName}.insert: expected the keys from ${at} on to be positions, got ${keys}`);
    }
    for (let k = n; k > at; k--) this.registerModule(String(k), moved[k - 1 - at]!);
    this.registerModule(String(at), module);
    return this;
  }

  /** Replaces the i-th module, keeping its key and place (PyTorch's `seq[i] = module`). */
  set(i: number, module: M): void {
    this.registerModule(this.#entry(i)[0], module);
  }

  /** Removes the i-th module and renumbers the rest '0', '1', … in order (PyTorch's `del seq[i]`). */
  delete(i: number): void {
    this.deleteModule(this.#entry(i)[0]);
    const rest = this.namedChildren();
    for (const [key] of rest) this.deleteModule(key);
    for (const [k, [, m]] of rest.entries()) this.registerModule(String(k), m);
  }

  /** Removes the i-th module and returns it, as PyTorch's pop. */
  pop(i: number): M {
    const m = this.at(i);
    this.delete(i);
    return m;
  }

  #entry(i: number): [string, M] {
    const all = this.namedChildren();
    const entry = Number.isInteger(i) ? all.at(i) : undefined;
    if (!entry) throw new RangeError(`${this.typeName}: index ${i} out of range for ${all.length} modules`);
    return entry as [string, M];
  }
}
