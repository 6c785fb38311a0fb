import { tf } from '../tf.js';

/** What a kernel function of one op receives: its inputs by name, the backend, and the op's own attributes. */
export interface KernelArgs<Inputs extends string, Attrs> {
  inputs: { [K in Inputs]?: tf.TensorInfo };
  /** the backend instance; a kernel for one backend knows its type */
  backend: object;
  attrs: Attrs;
}

/** A backend's implementation of one op, typed against the op's inputs and attributes. */
export type TypedKernelFunc<Inputs extends string, Attrs> = (
  args: KernelArgs<Inputs, Attrs>,
) => tf.TensorInfo | tf.TensorInfo[];

/** The gradient of an op, with its attributes typed; `saved` lists inputsToSave, then the saved outputs. */
export interface KernelGradient<Inputs extends string, Attrs> {
  inputsToSave?: Inputs[];
  outputsToSave?: boolean[];
  gradFunc(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: Attrs): { [K in Inputs]?: () => tf.Tensor };
}

/**
 * One of trainkit's own ops: its kernel name, the typed way to run it, and the typed way for a backend to implement
 * it. The only place where typed inputs and attributes meet tfjs's untyped NamedAttrMap / NamedTensorInfoMap.
 */
export interface KernelDef<Inputs extends string, Attrs> {
  readonly name: string;
  /** Runs the op through the engine (recorded on the tape where a gradient is being taken). */
  run(inputs: { [K in Inputs]?: tf.Tensor }, attrs: Attrs): tf.Tensor[];
  /** Runs an op with one output. */
  run1(inputs: { [K in Inputs]?: tf.Tensor }, attrs: Attrs): tf.Tensor;
  /** Whether the backend (the current one by default) has a kernel for it. */
  has(backendName?: string): boolean;
  /** A tfjs kernel function from a typed one. */
  kernel(fn: TypedKernelFunc<Inputs, Attrs>): tf.KernelFunc;
}

const toAttrMap = (attrs: unknown): tf.NamedAttrMap => attrs as tf.NamedAttrMap;
const fromAttrMap = <Attrs>(attrs: unknown): Attrs => attrs as Attrs;

/**
 * A kernel function for one of tfjs's own ops (Conv2DBackpropFilter, MaxPoolGrad, …) with its attributes typed as
 * tfjs declares them (tf.Conv2DBackpropFilterAttrs, …), where tfjs hands them over as an untyped NamedAttrMap.
 */
export function typedKernel<Attrs>(
  fn: (args: { inputs: tf.NamedTensorInfoMap; backend: object; attrs: Attrs }) => tf.TensorInfo | tf.TensorInfo[],
): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => fn({ inputs, backend, attrs: fromAttrMap<Attrs>(attrs) });
}

/**
 * Defines an op by name, and registers its gradient once (a second copy of trainkit in the process, ESM and CJS side
 * by side, finds it registered and leaves it).
 */
export function defineKernel<Inputs extends string, Attrs = Record<string, never>>(
  name: string,
  gradient?: KernelGradient<Inputs, Attrs>,
): KernelDef<Inputs, Attrs> {
  if (gradient && !tf.getGradient(name)) {
    tf.registerGradient({
      kernelName: name,
      ...(gradient.inputsToSave ? { inputsToSave: gradient.inputsToSave } : {}),
      ...(gradient.outputsToSave ? { outputsToSave: gradient.outputsToSave } : {}),
      gradFunc: (dy, saved, attrs) =>
        gradient.gradFunc(dy, saved, fromAttrMap<Attrs>(attrs)) as { [input: string]: () => tf.Tensor },
    });
  }
  const run = (inputs: { [K in Inputs]?: tf.Tensor }, attrs: Attrs) => {
    const out = tf.engine().runKernel(name, inputs as tf.NamedTensorMap, toAttrMap(attrs));
    return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
  };
  return {
    name,
    run,
    run1: (inputs, attrs) => {
      const [out, ...rest] = run(inputs, attrs);
      if (!out || rest.length > 0) throw new Error(`${name}: expected one output, got ${rest.length + (out ? 1 : 0)}`);
      return out;
    },
    has: (backendName = tf.getBackend()) => tf.getKernel(name, backendName) !== undefined,
    kernel: (fn) => (args) => fn(args as KernelArgs<Inputs, Attrs>),
  };
}
