import type { LoadStateDictResult, Module } from '../nn/module.js';
import type { BaseOptions, Optimizer, OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import { defaultGenerator } from '../random/default-generator.js';
import { Generator, type GeneratorState } from '../random/generator.js';
import { tf } from '../tf.js';
import { parseJson, stringifyJson } from './json-values.js';
import { architectureMetadata } from './model-architecture.js';
import {
  deserializeSafetensors,
  loadSafetensors,
  type SafetensorsContents,
  saveSafetensors,
  serializeSafetensors,
} from './safetensors.js';

/** Anything with a JSON-safe state dict: the LR schedulers, ReduceLROnPlateau, or your own. */
export interface Stateful {
  stateDict(): Record<string, unknown>;
  loadStateDict(sd: Record<string, unknown>): void;
}

export interface CheckpointContents {
  model?: Module;
  optimizer?: Optimizer<BaseOptions>;
  scheduler?: Stateful;
  epoch?: number;
  step?: number;
  /** the random state to record (default: the default generator's, what init, Dropout and shuffling draw from) */
  rng?: Generator | GeneratorState | null;
  /** anything else JSON can hold (the best accuracy so far, the config) */
  extra?: unknown;
}

export interface LoadCheckpointOptions {
  model?: Module;
  optimizer?: Optimizer<BaseOptions>;
  scheduler?: Stateful;
  /** a generator to restore the recorded random state into, e.g. defaultGenerator */
  rng?: Generator;
  /** passed to model.loadStateDict (default true) */
  strict?: boolean;
}

export interface LoadedCheckpoint {
  epoch: number | null;
  step: number | null;
  rng: GeneratorState | null;
  extra: unknown;
  /** the model's missing and unexpected keys (both empty under strict) */
  model: LoadStateDictResult | null;
}

// The metadata key that marks a checkpoint, with the layout's version. Tensors are stored as `model.<name>` (the
// model's state dict) and `optimizer.state.<index>.<key>`; everything else is JSON in the other metadata keys.
const FORMAT_KEY = 'trainkit.checkpoint';
const VERSION = '1';
const TENSOR_REF = '$tensor';
const MODEL_PREFIX = 'model.';

/** @internal The model's state dict within a checkpoint's tensors, or undefined when the file is no checkpoint. */
export function checkpointModelTensors(
  tensors: Record<string, tf.Tensor>,
  metadata: Record<string, string>,
): Record<string, tf.Tensor> | undefined {
  if (metadata[FORMAT_KEY] === undefined) return undefined;
  const names = Object.keys(tensors).filter((k) => k.startsWith(MODEL_PREFIX));
  return Object.fromEntries(names.map((k) => [k.slice(MODEL_PREFIX.length), tensors[k]!]));
}

/**
 * Saves a training checkpoint to one safetensors file, atomically: the model's tensors under `model.`, the
 * optimizer's state tensors under `optimizer.state.`, and the optimizer's options, the scheduler, epoch, step, the
 * random state and `extra` as JSON in the file's metadata. PyTorch can read the tensors with safetensors.
 */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  const { tensors, metadata } = checkpointParts(contents);
  await saveSafetensors(path, tensors, metadata);
}

/**
 * The bytes saveCheckpoint would write, for a destination that is not a local file (an object store): hand them to
 * something that stores them whole.
 */
export async function serializeCheckpoint(contents: CheckpointContents): Promise<Uint8Array> {
  const { tensors, metadata } = checkpointParts(contents);
  return serializeSafetensors(tensors, metadata, '<checkpoint>');
}

function checkpointParts(contents: CheckpointContents): {
  tensors: Record<string, tf.Tensor>;
  metadata: Record<string, string>;
} {
  const tensors: Record<string, tf.Tensor> = {};
  const metadata: Record<string, string> = { [FORMAT_KEY]: VERSION };
  if (contents.model) {
    for (const [name, t] of Object.entries(contents.model.stateDict())) tensors[`${MODEL_PREFIX}${name}`] = t;
    // loadModel(path) rebuilds the model from a checkpoint too (a whole model per epoch, as torch.save(model))
    Object.assign(metadata, architectureMetadata(contents.model, { optional: true }));
  }
  if (contents.optimizer) {
    const sd = contents.optimizer.stateDict();
    const state: Record<string, Record<string, unknown>> = {};
    for (const [index, s] of Object.entries(sd.state)) {
      state[index] = {};
      for (const [key, v] of Object.entries(s)) {
        if (v instanceof tf.Tensor) {
          const name = `optimizer.state.${index}.${key}`;
          tensors[name] = v;
          state[index][key] = { [TENSOR_REF]: name };
        } else {
          state[index][key] = v;
        }
      }
    }
    metadata.optimizer = stringifyJson({ state, param_groups: sd.param_groups });
  }
  if (contents.scheduler) metadata.scheduler = stringifyJson(contents.scheduler.stateDict());
  if (contents.epoch !== undefined) metadata.epoch = stringifyJson(contents.epoch);
  if (contents.step !== undefined) metadata.step = stringifyJson(contents.step);
  const rng = contents.rng === undefined ? defaultGenerator : contents.rng;
  if (rng) metadata.rng = stringifyJson(rng instanceof Generator ? rng.getState() : rng);
  if (contents.extra !== undefined) metadata.extra = stringifyJson(contents.extra);
  return { tensors, metadata };
}

/**
 * Loads a checkpoint written by saveCheckpoint into the given model, optimizer and scheduler (each one asked for
 * must be in the file), restores the random state into `rng` if given, and returns epoch, step, random state and
 * extra. Each part is checked (names, shapes, group sizes) before it is changed.
 */
export async function loadCheckpoint(path: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  return restoreCheckpoint(await loadSafetensors(path), options, path);
}

/**
 * loadCheckpoint for bytes read from elsewhere (an object store); `source` names them in errors, as the path does
 * for a file.
 */
export async function deserializeCheckpoint(
  bytes: Uint8Array,
  options: LoadCheckpointOptions = {},
  source = '<checkpoint>',
): Promise<LoadedCheckpoint> {
  return restoreCheckpoint(deserializeSafetensors(bytes, source), options, source);
}

function restoreCheckpoint(
  { tensors, metadata }: SafetensorsContents,
  options: LoadCheckpointOptions,
  path: string,
): LoadedCheckpoint {
  const fail = (detail: string) => new Error(`${path}: ${detail}`);
  try {
    const version = metadata[FORMAT_KEY];
    if (version === undefined) {
      throw fail(
        `not a trainkit checkpoint (its metadata has no '${FORMAT_KEY}'); a model's state dict loads with loadModel`,
      );
    }
    if (version !== VERSION) throw fail(`checkpoint layout version ${version} is not supported (expected ${VERSION})`);
    const json = (key: string): unknown => {
      const text = metadata[key];
      if (text === undefined) return undefined;
      try {
        return parseJson(text);
      } catch (err) {
        throw fail(`metadata '${key}' is not valid JSON (${(err as Error).message})`);
      }
    };
    for (const part of ['optimizer', 'scheduler'] as const) {
      if (options[part] && metadata[part] === undefined)
        throw fail(`the checkpoint holds no ${part} state to restore the given ${part} from`);
    }
    const modelTensors = Object.keys(tensors).filter((k) => k.startsWith(MODEL_PREFIX));
    if (options.model && modelTensors.length === 0)
      throw fail('the checkpoint holds no model tensors to restore the given model from');
    if (options.rng && metadata.rng === undefined)
      throw fail('the checkpoint holds no random state to restore the given generator from');

    const epoch = json('epoch');
    const step = json('step');
    for (const [key, v] of [
      ['epoch', epoch],
      ['step', step],
    ] as const) {
      if (v !== undefined && v !== null && !(Number.isSafeInteger(v) && (v as number) >= 0))
        throw fail(`metadata '${key}' must be an integer ≥ 0, got ${JSON.stringify(v)}`);
    }

    // Every piece of metadata is read and checked before anything changes, so that a bad one leaves model,
    // optimizer and generator as they were.
    const extra = json('extra');
    const rng = (json('rng') as GeneratorState | undefined) ?? null;
    if (rng !== null) {
      const words = isRecord(rng) && Array.isArray(rng.mt) ? rng.mt.length : undefined;
      if (words !== 624)
        throw fail(
          `metadata 'rng': expected 624 state words (a generator state), got ${words === undefined ? JSON.stringify(rng) : `${words} words`}`,
        );
    }
    const optimizerState = options.optimizer ? readOptimizerState(json('optimizer'), tensors, fail) : undefined;
    const schedulerState = options.scheduler ? json('scheduler') : undefined;

    let model: LoadStateDictResult | null = null;
    // the model's weights as they were, put back when a later part (the optimizer's options) is refused
    const backup = options.model ? cloneStateDict(options.model) : undefined;
    try {
      if (options.model) {
        const sd = Object.fromEntries(modelTensors.map((k) => [k.slice(MODEL_PREFIX.length), tensors[k]!]));
        try {
          model = options.model.loadStateDict(sd, { strict: options.strict ?? true });
        } catch (err) {
          throw fail((err as Error).message);
        }
      }
      try {
        if (options.optimizer && optimizerState) options.optimizer.loadStateDict(optimizerState);
        if (options.scheduler) options.scheduler.loadStateDict(schedulerState as Record<string, unknown>);
      } catch (err) {
        if (options.model && backup) options.model.loadStateDict(backup, { strict: false });
        throw fail((err as Error).message);
      }
    } finally {
      if (backup) tf.dispose(Object.values(backup));
    }
    if (options.rng && rng) options.rng.setState(rng);
    return {
      epoch: typeof epoch === 'number' ? epoch : null,
      step: typeof step === 'number' ? step : null,
      rng,
      extra,
      model,
    };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The optimizer's state dict from the checkpoint's JSON, its tensor references resolved to the file's tensors. */
function readOptimizerState(
  saved: unknown,
  tensors: Record<string, tf.Tensor>,
  fail: (detail: string) => Error,
): OptimizerStateDict {
  if (!isRecord(saved) || !isRecord(saved.state) || !Object.values(saved.state).every(isRecord))
    throw fail("metadata 'optimizer' is not an optimizer state ({ state: {…}, param_groups: […] })");
  const state: OptimizerStateDict['state'] = {};
  for (const [index, s] of Object.entries(saved.state as Record<string, Record<string, unknown>>)) {
    if (!/^\d+$/.test(index)) throw fail(`optimizer state '${index}' must be an object keyed by a parameter index`);
    const entry: ParamState = {};
    for (const [key, v] of Object.entries(s)) {
      const ref = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[TENSOR_REF] : undefined;
      if (typeof ref === 'string') {
        const t = tensors[ref];
        if (!t) throw fail(`optimizer state ${index}.${key} refers to tensor '${ref}', which the file does not hold`);
        entry[key] = t;
      } else {
        entry[key] = v as number | null;
      }
    }
    state[Number(index)] = entry;
  }
  return { state, param_groups: saved.param_groups as OptimizerStateDict['param_groups'] };
}

/** A copy of a module's state dict that outlives changes to the module. */
function cloneStateDict(module: Module): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(module.stateDict()).map(([k, t]) => [k, t.clone()]));
}
