import { noGrad } from '../autograd/grad-mode.js';
import { checkDevice, type Device } from '../backend/device.js';
import { tf } from '../tf.js';
import { formatShape, ModuleError } from './module-error.js';
import { Parameter } from './parameter.js';

export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | undefined | void;
export interface RemovableHandle {
  remove(): void;
}
export type StateDict = Record<string, tf.Tensor>;
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

let callDepth = 0;
const raisedIn = new WeakMap<object, Module>();

/**
 * Base class for all layers and models, like torch.nn.Module. Submodules and parameters assigned to fields are
 * found by walking the instance's own properties in assignment order (PyTorch's __setattr__ order); fields whose
 * names start with '_' are private and not walked. Buffers (running statistics) are registered by name with
 * registerBuffer, since their state-dict names are PyTorch's snake_case ones.
 */
export abstract class Module {
  training = true;
  readonly #modules = new Map<string, Module | null>();
  readonly #parameters = new Map<string, Parameter | null>();
  readonly #buffers = new Map<string, { tensor: tf.Tensor | null; persistent: boolean }>();
  readonly #forwardHooks = new Set<ForwardHook>();
  readonly #forwardPreHooks = new Set<ForwardPreHook>();

  abstract forward(...inputs: never[]): unknown;

  /** The layer's type name as PyTorch prints it (the class name). */
  get typeName(): string {
    return this.constructor.name;
  }

  /**
   * Runs forward with hooks, the callable form `model(x)` of PyTorch. Layers call their children with call() so
   * hooks (torchinfo-style summaries, graph tracing) see every layer; errors get the failing layer's path.
   */
  call<M extends Module>(this: M, ...inputs: Parameters<M['forward']>): ReturnType<M['forward']> {
    callDepth++;
    try {
      let args: unknown[] = inputs;
      for (const hook of this.#forwardPreHooks) {
        const replaced = hook(this, args);
        if (replaced) args = replaced;
      }
      let output = (this.forward as (...a: unknown[]) => unknown)(...args);
      for (const hook of this.#forwardHooks) {
        const replaced = hook(this, args, output);
        if (replaced !== undefined) output = replaced;
      }
      return output as ReturnType<M['forward']>;
    } catch (err) {
      if (err !== null && typeof err === 'object' && !raisedIn.has(err)) raisedIn.set(err, this);
      if (callDepth === 1) this.#explain(err);
      throw err;
    } finally {
      callDepth--;
    }
  }

  #explain(err: unknown): void {
    if (err === null || typeof err !== 'object') return;
    const pathOf = (m: Module) => this.namedModules().find(([, x]) => x === m)?.[0];
    if (err instanceof ModuleError) {
      if (err.path === undefined) err.setPath(pathOf(err.module) ?? '');
      return;
    }
    const where = raisedIn.get(err);
    if (where && err instanceof Error && !err.message.startsWith('in ')) {
      const path = pathOf(where);
      err.message = `in ${where.typeName}${path ? ` '${path}'` : ''}: ${err.message}`;
    }
  }

  /** Throws a ModuleError naming this layer unless `input` has `rank` dimensions (or one of several ranks). */
  protected expectRank(input: tf.Tensor, ranks: number | number[], what: string): void {
    const ok = Array.isArray(ranks) ? ranks.includes(input.rank) : input.rank === ranks;
    if (!ok) throw new ModuleError(this, `expected input ${what}, got ${formatShape(input.shape)}`);
  }

  /**
   * Registers a child under `name`, as PyTorch's add_module: a new name goes last, an existing one is replaced in its
   * place (the registry keeps insertion order, as PyTorch's OrderedDict `_modules`).
   */
  registerModule(name: string, module: Module | null): void {
    this.#checkName(name);
    this.#modules.set(name, module);
  }

  /** registerModule under PyTorch's other name, add_module. */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** Removes the child named `name`, registered or assigned to a field, as PyTorch's `del module.name`. */
  protected deleteModule(name: string): void {
    if (this.#modules.delete(name)) return;
    if (Object.hasOwn(this, name) && (this as Record<string, unknown>)[name] instanceof Module) {
      delete (this as Record<string, unknown>)[name];
      return;
    }
    throw new Error(`${this.typeName}: no submodule '${name}'`);
  }

  registerParameter(name: string, param: Parameter | null): void {
    this.#checkName(name);
    this.#parameters.set(name, param);
  }

  /** Registers a tensor that is state but not trained (BatchNorm's running_mean); persistent ones are saved. */
  registerBuffer(name: string, tensor: tf.Tensor | null, persistent = true): void {
    this.#checkName(name);
    if (tensor) tf.keep(tensor);
    this.#buffers.set(name, { tensor, persistent });
  }

  getBuffer(name: string): tf.Tensor {
    const b = this.#buffers.get(name);
    if (!b?.tensor) throw new Error(`${this.typeName}: no buffer '${name}'`);
    return b.tensor;
  }

  /** Replaces a buffer's tensor, disposing the old one; the module owns `tensor` afterwards. */
  setBuffer(name: string, tensor: tf.Tensor): void {
    const b = this.#buffers.get(name);
    if (!b) throw new Error(`${this.typeName}: no buffer '${name}'`);
    if (b.tensor === tensor) return;
    b.tensor?.dispose();
    b.tensor = tf.keep(tensor);
  }

  #checkName(name: string): void {
    if (name === '' || name.includes('.'))
      throw new Error(`${this.typeName}: invalid name '${name}' (empty or contains '.')`);
  }

  /**
   * PyTorch's `module.to(device)`: tensors live on the backend useBackend chose, so this checks that `device` is that
   * one (tryGpu() always is) and returns the module; a GPU the backend does not run on is an error.
   */
  to(target: Device | string): this {
    checkDevice(target, `${this.typeName}.to`);
    return this;
  }

  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<string>();
    for (const [name, m] of this.#modules) {
      seen.add(name);
      if (m) out.push([name, m]);
    }
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Module && !name.startsWith('_') && !seen.has(name)) out.push([name, value]);
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module ('') and every descendant with dotted names, each module once. */
  namedModules(prefix = '', memo = new Set<Module>()): [string, Module][] {
    if (memo.has(this)) return [];
    memo.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, memo));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own parameters (not its children's), in registration order. */
  ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<string>();
    for (const [name, p] of this.#parameters) {
      seen.add(name);
      if (p) out.push([name, p]);
    }
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Parameter && !name.startsWith('_') && !seen.has(name)) out.push([name, value]);
    }
    return out;
  }

  ownBuffers(): [string, tf.Tensor, boolean][] {
    const out: [string, tf.Tensor, boolean][] = [];
    for (const [name, b] of this.#buffers) if (b.tensor) out.push([name, b.tensor, b.persistent]);
    return out;
  }

  /** Every parameter with PyTorch's dotted name (`features.0.weight`); a shared parameter is listed once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, m] of mods) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([modName ? `${modName}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, tf.Tensor][] {
    const out: [string, tf.Tensor][] = [];
    for (const [modName, m] of this.namedModules(prefix)) {
      for (const [name, t] of m.ownBuffers()) out.push([modName ? `${modName}.${name}` : name, t]);
    }
    return out;
  }

  buffers(): tf.Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Sets training mode here and in every descendant (Dropout and BatchNorm read it). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every descendant and then on this module (children first, as PyTorch). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Freezes (false) or unfreezes (true) every parameter, like requires_grad_. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /**
   * Runs a tracing tool's forward pass (SummaryWriter.addGraph) without gradient recording, freeing every tensor it
   * makes — also those a custom forward creates outside submodules (F.relu, reshape), which the tool cannot see.
   */
  traceScope(pass: () => void): void {
    noGrad(pass);
  }

  registerForwardHook(hook: ForwardHook): RemovableHandle {
    this.#forwardHooks.add(hook);
    return { remove: () => this.#forwardHooks.delete(hook) };
  }

  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    this.#forwardPreHooks.add(hook);
    return { remove: () => this.#forwardPreHooks.delete(hook) };
  }

  /**
   * Parameters and persistent buffers by PyTorch's names and in PyTorch's order (each module's parameters, then its
   * buffers, then its children). The tensors are the live ones, not copies: do not dispose them.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [modName, m] of this.namedModules()) {
      const key = (n: string) => (modName ? `${modName}.${n}` : n);
      for (const [name, p] of m.ownParameters()) out[key(name)] = p.data;
      for (const [name, t, persistent] of m.ownBuffers()) if (persistent) out[key(name)] = t;
    }
    return out;
  }

  /**
   * Copies values into the parameters and buffers. Shapes must match; with strict (the default) the keys must match
   * exactly. Every offending key is listed in one error, and nothing is changed unless all of them are fine.
   */
  loadStateDict(stateDict: Record<string, tf.Tensor>, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const targets = new Map<string, { kind: 'param'; p: Parameter } | { kind: 'buffer'; m: Module; name: string }>();
    for (const [modName, m] of this.namedModules()) {
      const key = (n: string) => (modName ? `${modName}.${n}` : n);
      for (const [name, p] of m.ownParameters()) targets.set(key(name), { kind: 'param', p });
      for (const [name, , persistent] of m.ownBuffers())
        if (persistent) targets.set(key(name), { kind: 'buffer', m, name });
    }
    const missingKeys = [...targets.keys()].filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !targets.has(k));
    const mismatched: string[] = [];
    for (const [k, t] of targets) {
      const v = stateDict[k];
      if (!v) continue;
      const shape = t.kind === 'param' ? t.p.shape : t.m.getBuffer(t.name).shape;
      if (!tf.util.arraysEqual(shape, v.shape)) {
        mismatched.push(`  ${k}: expected shape ${formatShape(shape)}, got ${formatShape(v.shape)}`);
        continue;
      }
      const dtype = t.kind === 'param' ? 'float32' : t.m.getBuffer(t.name).dtype;
      // integers or booleans where weights belong mean another tensor altogether, not a precision to convert from
      if (dtype === 'float32' && v.dtype !== 'float32') {
        mismatched.push(`  ${k}: expected floating-point values, got ${v.dtype}`);
        continue;
      }
      const bad = v.dtype === 'float32' ? firstNonFinite(v) : -1;
      // weights that are NaN or infinite come from a run that diverged: loading them only moves the failure on
      if (bad >= 0) mismatched.push(`  ${k}: element ${bad} is ${v.dataSync()[bad]} (a diverged run's weights?)`);
    }
    const problems = [...mismatched];
    if (strict) {
      problems.push(...missingKeys.map((k) => `  ${k}: missing`), ...unexpectedKeys.map((k) => `  ${k}: unexpected`));
    }
    if (problems.length > 0) {
      throw new Error(`Error(s) in loading state dict for ${this.typeName}:\n${problems.join('\n')}`);
    }
    for (const [k, t] of targets) {
      const v = stateDict[k];
      if (!v) continue;
      if (t.kind === 'param') t.p.copy_(v);
      else {
        const old = t.m.getBuffer(t.name);
        t.m.setBuffer(t.name, v.dtype === old.dtype ? v.clone() : tf.cast(v, old.dtype));
      }
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The arguments shown inside the parentheses of toString, as PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** The nested description `print(model)` gives in PyTorch. */
  toString(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.typeName}(${extra})`;
    const lines: string[] = extra ? extra.split('\n') : [];
    for (const [name, child] of children) {
      const body = child.toString().split('\n').join('\n  ');
      lines.push(`(${name}): ${body}`);
    }
    return `${this.typeName}(\n  ${lines.join('\n  ')}\n)`;
  }

  /**
   * saveModel(this, path): the state dict in a safetensors file, written atomically, with the architecture in its
   * metadata so that loadModel(path) rebuilds the model; PyTorch reads the weights with safetensors.torch.load_file.
   */
  async save(path: string, metadata?: Record<string, string>): Promise<void> {
    // imported when called: the model-file code rebuilds layers, which are Modules, so a static import would cycle
    const { saveModel } = await import('../state/model-file.js');
    return saveModel(this, path, metadata);
  }

  /** Loads a safetensors state dict (saved here or by PyTorch) into this module, checked as loadStateDict does. */
  async load(path: string, options: { strict?: boolean } = {}): Promise<LoadStateDictResult> {
    const { loadModel } = await import('../state/model-file.js');
    return loadModel(this, path, options);
  }

  /** Frees every parameter and buffer; the module is unusable afterwards. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const m of this.modules()) for (const [name] of m.ownBuffers()) m.#buffers.get(name)?.tensor?.dispose();
  }
}

/** The index of the first NaN or ±Infinity in a float tensor, or -1. */
function firstNonFinite(t: tf.Tensor): number {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}
