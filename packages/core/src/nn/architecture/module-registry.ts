import type { Module } from '../module.js';

/** A Module subclass that can be constructed: what registerModuleClass takes and loadModel rebuilds. */
// biome-ignore lint/suspicious/noExplicitAny: a constructor's parameters are whatever the class declares
export type ModuleClass<M extends Module = Module> = new (...args: any[]) => M;

export interface RegisterModuleClassOptions<M extends Module> {
  /**
   * The name written into model files (default: the class name). Give one where two registered classes would share
   * a name, or to keep old files loading after renaming the class.
   */
  name?: string;
  /**
   * The arguments to rebuild `module` with, `new Class(...args(module))`, saved with the architecture. JSON values,
   * registered classes and the module's own children (passed through, e.g. VGG's `features`) are allowed. Without
   * it the class is rebuilt with no arguments, then its children, plain fields and training mode are set to the
   * saved ones — enough unless the constructor's arguments decide the shape of parameters it holds directly.
   */
  args?: (module: M) => unknown[];
}

interface Entry {
  name: string;
  cls: ModuleClass;
  args: ((module: Module) => unknown[]) | undefined;
  builtIn: boolean;
}

const byName = new Map<string, Entry>();
const byClass = new Map<ModuleClass, Entry>();

/**
 * Makes a Module subclass rebuildable by loadModel(path), as importable classes are for torch.load: the file holds
 * the class's name, and loading constructs the class registered under it. Registering the same class again is a
 * no-op; another class under a name already taken is an error. Returns the class.
 */
export function registerModuleClass<C extends ModuleClass>(
  cls: C,
  options: RegisterModuleClassOptions<InstanceType<C>> = {},
): C {
  register(cls, options, false);
  return cls;
}

/** @internal registerModuleClass for trainkit's own layers, which are saved with their constructor arguments. */
export function registerBuiltInModuleClass<C extends ModuleClass>(
  cls: C,
  args: (module: InstanceType<C>) => unknown[],
): void {
  register(cls, { args }, true);
}

function register<C extends ModuleClass>(
  cls: C,
  options: RegisterModuleClassOptions<InstanceType<C>>,
  builtIn: boolean,
): void {
  if (typeof cls !== 'function') throw new Error(`registerModuleClass: expected a Module class, got ${String(cls)}`);
  const name = options.name ?? cls.name;
  if (!name) throw new Error('registerModuleClass: the class has no name (an anonymous class): pass { name }');
  const taken = byName.get(name);
  if (taken && taken.cls !== cls) {
    throw new Error(
      `registerModuleClass: the name '${name}' is already registered for another class; pass { name } to register ${cls.name || 'this class'} under another one`,
    );
  }
  const previous = byClass.get(cls);
  if (previous && previous.name !== name) byName.delete(previous.name);
  const entry: Entry = { name, cls, args: options.args as Entry['args'], builtIn };
  byName.set(name, entry);
  byClass.set(cls, entry);
}

/** @internal The registration of a module's exact class (not a base class's), if any. */
export function registrationOf(module: Module): Entry | undefined {
  return byClass.get(module.constructor as ModuleClass);
}

/** @internal The class registered under `name`, if any. */
export function registeredClass(name: string): Entry | undefined {
  return byName.get(name);
}

/** @internal The registered name of a class passed as a constructor argument (ResNet's block), if any. */
export function registeredNameOf(value: unknown): string | undefined {
  return typeof value === 'function' ? byClass.get(value as ModuleClass)?.name : undefined;
}
