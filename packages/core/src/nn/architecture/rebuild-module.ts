import type { Module } from '../module.js';
import { skipInit } from '../utils/skip-init.js';
import { ArchitectureError } from './architecture-error.js';
import { decodeArgs, encodeArgs } from './constructor-args.js';
import { registeredClass, registrationOf } from './module-registry.js';
import type { ChildSpec, ModuleSpec } from './module-spec.js';

/**
 * Builds the module a ModuleSpec describes, without drawing initial weights (skipInit: the state dict comes next).
 * Each class is constructed with its saved arguments; then its children are made to match the saved ones — a child
 * the constructor made is kept where its class and arguments are the saved ones, rebuilt otherwise (a replaced
 * head), added where the model had gained one (addModule), removed where it had lost one — and its plain fields,
 * training mode and frozen parameters are set. Only classes constructed here need registering: a child that its
 * parent's constructor makes is matched by class name.
 */
export function rebuildModule(spec: ModuleSpec): Module {
  const byPath = new Map<string, Module>();
  const constructed: Module[] = [];
  const at = (path: string) => (path ? `'${path}'` : '(the model)');

  const construct = (s: ModuleSpec, path: string): Module => {
    const entry = registeredClass(s.class);
    if (!entry) {
      const how = s.class.startsWith('trainkit.models.')
        ? `import '@trainkit/models' (it registers its models) before loadModel`
        : `import the module that defines it and call nn.registerModuleClass(${s.class}) before loadModel`;
      throw new ArchitectureError(
        `the model's class '${s.class}' at ${at(path)} is not registered: ${how}`,
        s.class,
        path,
      );
    }
    const childSpec = (name: string) => {
      const c = s.children?.find((x) => x.name === name);
      if (!c || 'sameAs' in c.module)
        throw new ArchitectureError(
          `${s.class} at ${at(path)}: no saved child '${name}' for its constructor`,
          s.class,
          path,
        );
      return build(c.module, join(path, name));
    };
    const args = decodeArgs(s.args ?? [], childSpec, { className: s.class, path, where: `${s.class} at ${at(path)}` });
    let module: Module;
    try {
      module = new entry.cls(...args);
    } catch (err) {
      const hint = s.args
        ? ''
        : `; if its constructor needs arguments, register it with nn.registerModuleClass(${s.class}, { args: (m) => [...] })`;
      throw new ArchitectureError(
        `rebuilding ${s.class} at ${at(path)} failed: ${(err as Error).message ?? String(err)}${hint}`,
        s.class,
        path,
      );
    }
    constructed.push(module);
    return module;
  };

  const build = (s: ModuleSpec, path: string): Module => {
    const module = construct(s, path);
    reconcile(module, s, path);
    return module;
  };

  const reconcile = (module: Module, s: ModuleSpec, path: string): void => {
    byPath.set(path, module);
    const current = new Map(module.namedChildren());
    const saved = s.children ?? [];
    const wanted = new Set(saved.map((c) => c.name));
    for (const [name, child] of current) {
      if (wanted.has(name)) continue;
      removeChild(module, name);
      child.dispose();
    }
    const targets: [ChildSpec, Module][] = saved.map((c) => {
      const childPath = join(path, c.name);
      if ('sameAs' in c.module) {
        const shared = byPath.get(c.module.sameAs);
        if (!shared)
          throw new ArchitectureError(
            `${at(childPath)} refers to '${c.module.sameAs}', which comes later`,
            s.class,
            path,
          );
        return [c, shared];
      }
      const existing = current.get(c.name);
      if (existing && matches(existing, c.module)) {
        reconcile(existing, c.module, childPath);
        return [c, existing];
      }
      existing?.dispose();
      return [c, build(c.module, childPath)];
    });
    for (const [c, child] of targets) if (current.get(c.name) !== child) setChild(module, c, child);
    const order = module.namedChildren().map(([name]) => name);
    if (order.join('\0') !== saved.map((c) => c.name).join('\0')) {
      // the saved order is the state dict's and print(model)'s: re-adding each child in turn restores it
      for (const [c, child] of targets) {
        removeChild(module, c.name);
        setChild(module, c, child);
      }
    }
    if (s.fields) Object.assign(module, s.fields);
    module.training = s.training;
    const frozen = new Set(s.frozen ?? []);
    for (const [name, p] of module.ownParameters()) p.requiresGrad = !frozen.has(name);
  };

  try {
    return skipInit(() => build(spec, ''));
  } catch (err) {
    // a model that cannot be finished frees what was built of it (disposing twice is harmless)
    for (const m of constructed) m.dispose();
    throw err;
  }
}

/** Whether the constructor already made the saved child: same class, same saved arguments. */
function matches(module: Module, spec: ModuleSpec): boolean {
  const registration = registrationOf(module);
  const name = registration?.name ?? module.constructor.name;
  if (name !== spec.class) return false;
  const args = registration?.args ? encodeArgs(registration.args(module), module, '') : undefined;
  return JSON.stringify(args) === JSON.stringify(spec.args);
}

function setChild(module: Module, c: ChildSpec, child: Module): void {
  if (c.field) (module as unknown as Record<string, unknown>)[c.name] = child;
  else module.registerModule(c.name, child);
}

function removeChild(module: Module, name: string): void {
  // Module.deleteModule is protected (PyTorch's `del module.name`, for subclasses); rebuilding is the one outside use
  (module as unknown as { deleteModule(name: string): void }).deleteModule(name);
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
