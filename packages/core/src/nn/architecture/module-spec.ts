import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { encodeArgs, isJsonValue } from './constructor-args.js';
import { registrationOf } from './module-registry.js';

/**
 * A model's architecture as a model file holds it (JSON in the safetensors metadata): what torch.save's pickle keeps
 * of a module besides its tensors — the class, how to construct it, its children by name, its plain fields, the
 * training mode and which parameters are frozen. The tensors themselves are the file's state dict.
 */
export interface ModuleSpec {
  /** the registered name (trainkit's layers: the class name), or the class name of a class never registered */
  class: string;
  /** constructor arguments, encoded (constructor-args.ts); absent: constructed with none */
  args?: unknown[];
  /** a user class's own fields that JSON holds (numbers, strings, flags, lists), set again after construction */
  fields?: Record<string, unknown>;
  training: boolean;
  /** names of the module's own parameters with requiresGrad false */
  frozen?: string[];
  children?: ChildSpec[];
}

export interface ChildSpec {
  name: string;
  /** true where the child is a field (`this.fc = …`), false where it was registered (Sequential's items, addModule) */
  field: boolean;
  /** the child, or the dotted path of the same module met earlier in the tree (a shared module) */
  module: ModuleSpec | { sameAs: string };
}

/** The architecture of `module` and everything under it; throws naming the module whose arguments cannot be saved. */
export function describeModule(module: Module): ModuleSpec {
  const seen = new Map<Module, string>();
  const describe = (m: Module, path: string): ModuleSpec => {
    seen.set(m, path);
    const registration = registrationOf(m);
    const name = registration?.name ?? m.constructor.name;
    if (!name) {
      throw new Error(
        `the module at '${path}' is an instance of an anonymous class: name the class or register it with nn.registerModuleClass(cls, { name })`,
      );
    }
    const spec: ModuleSpec = { class: name, training: m.training };
    if (registration?.args) spec.args = encodeArgs(registration.args(m), m, path);
    if (!registration?.builtIn) {
      const fields = Object.entries(m).filter(
        ([key, value]) =>
          key !== 'training' && !(value instanceof Module) && !(value instanceof Parameter) && isJsonValue(value),
      );
      if (fields.length > 0) spec.fields = Object.fromEntries(fields);
    }
    const frozen = m.ownParameters().filter(([, p]) => !p.requiresGrad);
    if (frozen.length > 0) spec.frozen = frozen.map(([n]) => n);
    const children = m.namedChildren().map(([childName, child]): ChildSpec => {
      const childPath = path ? `${path}.${childName}` : childName;
      const field = Object.hasOwn(m, childName) && (m as unknown as Record<string, unknown>)[childName] === child;
      const earlier = seen.get(child);
      return {
        name: childName,
        field,
        module: earlier !== undefined ? { sameAs: earlier } : describe(child, childPath),
      };
    });
    if (children.length > 0) spec.children = children;
    return spec;
  };
  return describe(module, '');
}
