import { describeModule, type ModuleSpec } from '../nn/architecture/module-spec.js';
import type { Module } from '../nn/module.js';
import { parseJson, stringifyJson } from './json-values.js';

// The safetensors metadata keys that carry a model's architecture: the ModuleSpec as JSON under ARCHITECTURE_KEY,
// with the layout's version; where it could not be described (a checkpoint of an anonymous class), the reason
// instead, so that loadModel(path) can say why the file holds weights only.
const ARCHITECTURE_KEY = 'trainkit.architecture';
const UNAVAILABLE_KEY = 'trainkit.architecture.unavailable';
const VERSION = 1;

/**
 * The metadata entries that describe `module`'s architecture. By default a module that cannot be described throws
 * (saveModel: the caller asked for a whole model); with `optional` (checkpoints) the reason is recorded instead.
 */
export function architectureMetadata(module: Module, options: { optional?: boolean } = {}): Record<string, string> {
  try {
    return { [ARCHITECTURE_KEY]: stringifyJson({ version: VERSION, model: describeModule(module) }) };
  } catch (err) {
    if (!options.optional) throw err;
    return { [UNAVAILABLE_KEY]: (err as Error).message };
  }
}

/** The architecture a file's metadata holds; throws `fail(detail)` where it holds none or one this cannot read. */
export function readArchitecture(metadata: Record<string, string>, fail: (detail: string) => Error): ModuleSpec {
  const text = metadata[ARCHITECTURE_KEY];
  if (text === undefined) {
    const why = metadata[UNAVAILABLE_KEY];
    throw fail(
      `holds the weights only, no architecture${why ? ` (it could not be saved: ${why})` : ''}: build the model, then load the weights with loadModel(model, path) or model.load(path)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (err) {
    throw fail(`metadata '${ARCHITECTURE_KEY}' is not valid JSON (${(err as Error).message})`);
  }
  const doc = parsed as { version?: unknown; model?: unknown };
  if (doc === null || typeof doc !== 'object' || doc.version !== VERSION) {
    throw fail(`metadata '${ARCHITECTURE_KEY}' has layout version ${String(doc?.version)}, expected ${VERSION}`);
  }
  checkSpec(doc.model, 'model', fail);
  return doc.model as ModuleSpec;
}

/** Checks the parts rebuilding relies on, so that a damaged file fails here with the place named. */
function checkSpec(spec: unknown, where: string, fail: (detail: string) => Error): void {
  const s = spec as Partial<ModuleSpec> | null;
  const bad = (what: string) => fail(`metadata '${ARCHITECTURE_KEY}': ${where} ${what}`);
  if (s === null || typeof s !== 'object' || Array.isArray(s)) throw bad('is not an object');
  if (typeof s.class !== 'string' || s.class === '') throw bad('has no class name');
  if (s.args !== undefined && !Array.isArray(s.args)) throw bad('has arguments that are not a list');
  if (s.fields !== undefined && (s.fields === null || typeof s.fields !== 'object' || Array.isArray(s.fields)))
    throw bad('has fields that are not an object');
  if (typeof s.training !== 'boolean') throw bad('has no training flag');
  if (s.frozen !== undefined && !(Array.isArray(s.frozen) && s.frozen.every((n) => typeof n === 'string')))
    throw bad('has a frozen list that is not names');
  if (s.children === undefined) return;
  if (!Array.isArray(s.children)) throw bad('has children that are not a list');
  for (const c of s.children) {
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string' || c.name === '' || c.name.includes('.'))
      throw bad('has a child without a valid name');
    if (typeof c.field !== 'boolean') throw bad(`child '${c.name}' has no field flag`);
    const m = c.module as { sameAs?: unknown } | null;
    if (m !== null && typeof m === 'object' && 'sameAs' in m) {
      if (typeof m.sameAs !== 'string') throw bad(`child '${c.name}' refers to a path that is not a string`);
    } else checkSpec(c.module, `${where}.${c.name}`, fail);
  }
}
