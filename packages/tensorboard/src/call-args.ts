/**
 * How one SummaryWriter method reads its trailing arguments: PyTorch's positionals, or one options object standing
 * for them, so that `addScalar(tag, v, 3, t)` and `addScalar(tag, v, { globalStep: 3, walltime: t })` are the same
 * call. The options object is the last argument; it may follow some positionals (`addPrCurveRaw(tag, tp, fp, tn,
 * fn, precision, recall, { globalStep })`) and may name any position after them, plus options that have no position
 * (`displayName`).
 */
export interface ArgSpec {
  /** Names of the positions, in PyTorch's order (camelCase of tensorboardX's keyword names). */
  readonly positional: readonly string[];
  /** How many leading positions must be given. */
  readonly required?: number;
  /** Options with no position. */
  readonly named?: readonly string[];
  /**
   * Positions whose own value may be a plain object (an `{ data, shape }` tensor, a config dict). A plain object
   * last in such a position is that value, unless every key of it is an option name.
   */
  readonly objectValued?: readonly string[];
}

/** Short names accepted for the long ones (`{ step }` for `{ globalStep }`), where the method has the long one. */
const ALIASES: Readonly<Record<string, string>> = { step: 'globalStep', description: 'summaryDescription' };

// Built once per spec: add* calls are hot (addScalar runs at millions per second).
const namesOf = new WeakMap<ArgSpec, ReadonlySet<string>>();

function knownNames(spec: ArgSpec): ReadonlySet<string> {
  let names = namesOf.get(spec);
  if (!names) {
    names = new Set([...spec.positional, ...(spec.named ?? [])]);
    namesOf.set(spec, names);
  }
  return names;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The trailing arguments `args` of a call as one object keyed by option name; undefined values are left out.
 * Throws a TypeError naming `what` for too many arguments, an unknown option, an option also given positionally,
 * or a missing required one.
 */
export function callArgs<T extends object>(what: string, spec: ArgSpec, args: readonly unknown[]): T {
  let positional = args;
  let options: Record<string, unknown> | undefined;
  const last = args.length - 1;
  const lastName = spec.positional[last];
  const lastArg = args[last];
  const known = knownNames(spec);
  const isOption = (key: string): boolean => known.has(key) || known.has(ALIASES[key] ?? '');
  if (
    isPlainObject(lastArg) &&
    !(lastName && spec.objectValued?.includes(lastName) && !Object.keys(lastArg).every(isOption))
  ) {
    options = lastArg;
    positional = args.slice(0, last);
  }
  if (positional.length > spec.positional.length) {
    throw new TypeError(
      `${what}: too many arguments: ${positional.length} after the leading ones, at most ${spec.positional.length} (${spec.positional.join(', ')})`,
    );
  }
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v !== undefined) out[spec.positional[i]!] = v;
  });
  if (options) {
    for (const [key, v] of Object.entries(options)) {
      const alias = ALIASES[key];
      const name = alias && known.has(alias) && !known.has(key) ? alias : key;
      if (!known.has(name)) {
        throw new TypeError(`${what}: unknown option '${key}'; the options are ${[...known].join(', ')}`);
      }
      if (v === undefined) continue;
      if (out[name] !== undefined) {
        const index = spec.positional.indexOf(name);
        throw new TypeError(
          index >= 0 && index < positional.length
            ? `${what}: '${key}' is given twice, as argument ${index + 1} after the leading ones and as an option`
            : `${what}: '${key}' is given twice (as '${name}' and as an alias)`,
        );
      }
      out[name] = v;
    }
  }
  for (const name of spec.positional.slice(0, spec.required ?? 0)) {
    if (out[name] === undefined) throw new TypeError(`${what}: '${name}' is required`);
  }
  return out as T;
}
