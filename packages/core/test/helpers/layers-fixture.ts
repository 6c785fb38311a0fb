import { nn, type tf } from '../../src/index.js';
import { type JsonTensor, toTensor } from './fixtures.js';

/** One forward and backward step of a layer case: out = layer(input), gradients of sum(out * g). */
export interface LayerStep {
  input: JsonTensor;
  g: JsonTensor;
  output: JsonTensor;
  /** null for integer inputs */
  input_grad: JsonTensor | null;
  param_grads: Record<string, JsonTensor>;
}

/** A layer configuration as tools/fixtures/layers.py writes it. */
export interface LayerCase {
  name: string;
  layer: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  repr: string;
  training: boolean;
  state: Record<string, JsonTensor>;
  steps: LayerStep[];
  state_after: Record<string, JsonTensor>;
}

export interface FunctionalCase {
  name: string;
  fn: string;
  inputs: Record<string, JsonTensor>;
  positional: unknown[];
  kwargs: Record<string, unknown>;
  output: JsonTensor;
  g: JsonTensor;
  grads: Record<string, JsonTensor>;
}

export interface LayersFixture {
  layers: LayerCase[];
  functional: FunctionalCase[];
  init: {
    fans: { shape: number[]; fan_in: number; fan_out: number }[];
    gains: { nonlinearity: string; param: number | null; gain: number }[];
  };
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** PyTorch's keyword arguments as this library's options object: snake_case keys in camelCase. */
export function camelKeys(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [camel(k), v]));
}

/** The layer a case describes, built as a user would: positional arguments, then the keyword arguments. */
export function buildLayer(c: LayerCase): nn.Module {
  const Ctor = (nn as unknown as Record<string, new (...args: unknown[]) => nn.Module>)[c.layer];
  if (!Ctor) throw new Error(`no layer nn.${c.layer}`);
  const options = camelKeys(c.kwargs);
  return Object.keys(options).length > 0 ? new Ctor(...c.args, options) : new Ctor(...c.args);
}

export function stateTensors(state: Record<string, JsonTensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, toTensor(v)]));
}
