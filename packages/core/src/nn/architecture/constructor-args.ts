import { Module } from '../module.js';
import { ArchitectureError } from './architecture-error.js';
import { registeredClass, registeredNameOf } from './module-registry.js';

// Constructor arguments as JSON: plain values as they are, and three tags for what JSON cannot hold — one of the
// module's own children (VGG's `features`), a registered class (ResNet's block) and undefined in a list (a skipped
// positional argument, which null would not replace). ±Infinity and NaN are left to the file's JSON writer.
const CHILD = '$module';
const CLASS = '$class';
const UNDEFINED = '$undefined';

/** What decodeArgs needs to turn a `$module` tag back into a module: the child of that name, rebuilt. */
export type ChildLookup = (name: string) => Module;

/**
 * Encodes `args` for the module at `path` (its children found in `module`), or throws naming the argument that
 * JSON cannot hold: a tensor, a function or an instance of a class other than Module.
 */
export function encodeArgs(args: readonly unknown[], module: Module, path: string): unknown[] {
  const childName = new Map(module.namedChildren().map(([name, child]) => [child, name]));
  const encode = (value: unknown, where: string): unknown => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
      return value;
    }
    if (value === undefined) return { [UNDEFINED]: true };
    if (value instanceof Module) {
      const name = childName.get(value);
      if (name === undefined) {
        throw new Error(`${where} is a ${value.typeName} that is not a child of the module, so it cannot be saved`);
      }
      return { [CHILD]: name };
    }
    const className = registeredNameOf(value);
    if (className !== undefined) return { [CLASS]: className };
    if (Array.isArray(value)) return value.map((v, i) => encode(v, `${where}[${i}]`));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v, `${where}.${k}`);
      return out;
    }
    const kind = typeof value === 'function' ? `the function ${value.name || '(anonymous)'}` : describeValue(value);
    throw new Error(
      `${where} is ${kind}, which a model file cannot hold (JSON values, children and registered classes can)`,
    );
  };
  const where = `the constructor arguments of ${module.typeName}${path ? ` '${path}'` : ' (the model)'}`;
  const encoded = args.map((v, i) => encode(v, `${where}: argument ${i}`));
  while (encoded.length > 0 && isUndefinedTag(encoded[encoded.length - 1])) encoded.pop();
  return encoded;
}

/** Turns encodeArgs' output back into arguments; `module` names the module in errors. */
export function decodeArgs(
  args: readonly unknown[],
  child: ChildLookup,
  module: { className: string; path: string; where: string },
): unknown[] {
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (!isPlainObject(value)) return value;
    if (isUndefinedTag(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length === 1 && typeof value[CHILD] === 'string') return child(value[CHILD]);
    if (keys.length === 1 && typeof value[CLASS] === 'string') {
      const entry = registeredClass(value[CLASS]);
      if (!entry) {
        throw new ArchitectureError(
          `${module.where}: its constructor argument names the class '${value[CLASS]}', which is not registered`,
          module.className,
          module.path,
        );
      }
      return entry.cls;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  };
  return args.map(decode);
}

/** A value JSON holds as it is: null, a string, a boolean, a number, or arrays and plain objects of those. */
export function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return true;
  if (Array.isArray(value)) return value.every(isJsonValue);
  return isPlainObject(value) && Object.values(value).every(isJsonValue);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isUndefinedTag(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && value[UNDEFINED] === true;
}

function describeValue(value: object): string {
  const name = value.constructor?.name;
  return name ? `a ${name}` : 'an object with no plain prototype';
}
