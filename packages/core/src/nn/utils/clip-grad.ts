import { tf } from '../../tf.js';
import { isOptions } from '../functional/options.js';
import { Parameter } from '../parameter.js';

export interface ClipGradNormOptions {
  /** the p of the p-norm: a positive number, or Infinity (also 'inf') for the largest |g| (default 2) */
  normType?: number | 'inf';
  /** throw when the total norm is NaN or ±Infinity instead of scaling by it (default false, as PyTorch 1.13) */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` in place (each `p.grad` is replaced) so that their norm, taken over all of
 * them together as one vector, is at most `maxNorm`, as torch.nn.utils.clip_grad_norm_ (PyTorch 1.13):
 *
 *   total = ‖(‖g₁‖_p, ‖g₂‖_p, …)‖_p;  g ← g · min(1, maxNorm / (total + 1e-6))
 *
 * Returns the total norm before clipping, as a number (PyTorch returns it as a scalar tensor). Parameters without a
 * gradient are skipped; with none at all the norm is 0. Call it between backward and optimizer.step().
 */
export function clipGradNorm_(
  parameters: Iterable<Parameter> | Parameter,
  maxNorm: number,
  normType: number | 'inf' | ClipGradNormOptions = 2,
  options: Omit<ClipGradNormOptions, 'normType'> = {},
): number {
  const o: ClipGradNormOptions = isOptions<ClipGradNormOptions>(normType) ? normType : { ...options, normType };
  const p = o.normType === 'inf' ? Number.POSITIVE_INFINITY : (o.normType ?? 2);
  if (typeof p !== 'number' || !(p > 0)) {
    throw new Error(`clipGradNorm_: normType must be a positive number or Infinity, got ${String(o.normType)}`);
  }
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new Error(`clipGradNorm_: maxNorm must be a non-negative number, got ${String(maxNorm)}`);
  }
  const params = withGrads('clipGradNorm_', parameters);
  if (params.length === 0) return 0;
  const total = tf.tidy(() => {
    const norms = params.map((q) => vectorNorm(q.grad!, p));
    return norms.length === 1 ? norms[0]! : vectorNorm(tf.stack(norms), p);
  });
  const totalNorm = total.dataSync()[0]!;
  if (o.errorIfNonfinite && !Number.isFinite(totalNorm)) {
    total.dispose();
    throw new Error(
      `clipGradNorm_: The total norm of order ${p} for gradients from \`parameters\` is non-finite (${totalNorm}), so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false`,
    );
  }
  // The coefficient as PyTorch computes it, in float32 beside the gradients, and applied even when it is 1.
  const coef = tf.tidy(() => tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(total, 1e-6)), 1));
  total.dispose();
  for (const q of params) replaceGrad(q, (g) => tf.mul(g, coef));
  coef.dispose();
  return totalNorm;
}

/**
 * Clamps every gradient of `parameters` in place to [−clipValue, clipValue], as torch.nn.utils.clip_grad_value_.
 */
export function clipGradValue_(parameters: Iterable<Parameter> | Parameter, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new Error(`clipGradValue_: clipValue must be a non-negative number, got ${String(clipValue)}`);
  }
  for (const q of withGrads('clipGradValue_', parameters)) {
    replaceGrad(q, (g) => tf.clipByValue(g, -clipValue, clipValue));
  }
}

function withGrads(op: string, parameters: Iterable<Parameter> | Parameter): Parameter[] {
  const list = parameters instanceof Parameter ? [parameters] : [...parameters];
  list.forEach((q, i) => {
    if (!(q instanceof Parameter)) {
      throw new Error(`${op}: parameters[${i}] is not an nn.Parameter (pass model.parameters())`);
    }
  });
  return list.filter((q) => q.grad !== null);
}

function replaceGrad(q: Parameter, fn: (g: tf.Tensor) => tf.Tensor): void {
  const old = q.grad!;
  q.grad = tf.tidy(() => fn(old));
  old.dispose();
}

/** ‖x‖_p over all elements, as torch.norm(x, p). */
function vectorNorm(x: tf.Tensor, p: number): tf.Tensor {
  if (p === 2) return tf.sqrt(tf.sum(tf.square(x)));
  const a = tf.abs(x);
  if (p === Number.POSITIVE_INFINITY) return tf.max(a);
  if (p === 1) return tf.sum(a);
  return tf.pow(tf.sum(tf.pow(a, p)), 1 / p);
}
