/**
 * Bias gradients computed ahead. A conv layer's bias gradient is Σ dy over N, H, W, which core's CONV2D_BIAS
 * gradient asks for (a Sum) right after the filter gradient (Conv2DBackpropFilter, flagged withBiasGradient). The
 * oneDNN primitive for the latter sums dy into the bias gradient in the same pass for free, so the result waits here,
 * keyed by dy's buffer, and the Sum takes it instead of reading the whole of dy again (~1.5 ms of a CIFAR step).
 * A tensor's buffer does not change while it lives, and a recycled one is forgotten (util.ts uninitialised).
 */
const ahead = new WeakMap<Float32Array, { shape: string; sum: Float32Array }>();

/** Keeps `sum`, the Σ over axes 0-2 of the 4-D tensor `shape` held in `dy`. */
export function keepBiasGradient(dy: Float32Array, shape: readonly number[], sum: Float32Array): void {
  ahead.set(dy, { shape: shape.join(), sum });
}

/** The kept Σ over axes 0-2 of the 4-D tensor `shape` in `dy`, handed over once; undefined if none. */
export function takeBiasGradient(dy: Float32Array, shape: readonly number[]): Float32Array | undefined {
  const kept = ahead.get(dy);
  if (!kept || kept.shape !== shape.join()) return undefined;
  ahead.delete(dy);
  return kept.sum;
}

/** Forgets a buffer's kept sum (it is being reused for another tensor). */
export function forgetBiasGradient(dy: Float32Array): void {
  ahead.delete(dy);
}
