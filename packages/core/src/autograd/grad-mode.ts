import { tf } from '../tf.js';

const state = { noGradDepth: 0, recordingDepth: 0 };

/** False inside noGrad, as torch.is_grad_enabled. */
export function isGradEnabled(): boolean {
  return state.noGradDepth === 0;
}

/** True while a backward closure is being recorded. */
export function isRecording(): boolean {
  return state.recordingDepth > 0 && state.noGradDepth === 0;
}

/** @internal used by backward to mark the span in which tfjs records a tape */
export function withRecording<T>(fn: () => T): T {
  state.recordingDepth++;
  try {
    return fn();
  } finally {
    state.recordingDepth--;
  }
}

// Gradient flows through nothing computed inside noGrad: tfjs has no stop_gradient op, so a custom gradient of zeros
// is the cut. Outside a backward closure tfjs records no tape at all and this costs nothing.
const detachOne = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

function detach<T>(value: T): T {
  if (value instanceof tf.Tensor) return detachOne(value) as T;
  if (Array.isArray(value)) return value.map(detach) as T;
  return value;
}

/**
 * Runs fn without gradient recording, like `with torch.no_grad():`. Intermediate tensors are disposed (fn runs in
 * tf.tidy) and returned tensors are kept; inside a backward closure the results are cut from the tape. fn must be
 * synchronous: an async fn would escape both the tidy scope and the mode.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: fn may return nothing, as `with torch.no_grad():` blocks do
export function noGrad<T extends tf.TensorContainer | number | boolean | void>(fn: () => T): T {
  state.noGradDepth++;
  try {
    const recording = state.recordingDepth > 0;
    return tf.tidy(() => {
      const out = fn() as T;
      if (out instanceof Promise) throw new Error('noGrad: fn must be synchronous (it returned a Promise)');
      return (recording ? detach(out) : out) as never;
    }) as T;
  } finally {
    state.noGradDepth--;
  }
}

/** Runs fn with gradient recording switched on or off, like torch.set_grad_enabled used as a context. */
// biome-ignore lint/suspicious/noConfusingVoidType: fn may return nothing, as `with torch.no_grad():` blocks do
export function enableGrad<T extends tf.TensorContainer | number | boolean | void>(enabled: boolean, fn: () => T): T {
  if (!enabled) return noGrad(fn);
  const saved = state.noGradDepth;
  state.noGradDepth = 0;
  try {
    return fn();
  } finally {
    state.noGradDepth = saved;
  }
}
