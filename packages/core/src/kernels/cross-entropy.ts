import { checkClassTargetRange } from '../nn/losses/class-targets.js';
import { tf } from '../tf.js';
import { cpuData } from './cpu-data.js';
import { defineKernel, type KernelArgs } from './define-kernel.js';

/**
 * Cross entropy of logits and class indices in one kernel: inputs {logits [N, C] float32, target [N] int32,
 * weight? [C] float32}, attrs CrossEntropyAttrs, output the loss exactly as crossEntropy defines it for class
 * indices ([N] for 'none', a scalar otherwise). The kernel range-checks the targets itself and throws
 * checkClassTargetRange's error, so that the targets need no separate read. Core registers it for 'cpu'
 * (crossEntropyCpuKernel below); a backend on tfjs's cpu data model may register the same functions.
 *
 * Give a weight whenever a gradient may be recorded: tfjs 4.22 clones every input its gradient names in
 * inputsToSave and fails on an absent one (crossEntropy passes ones when the caller gave none).
 */
export const CROSS_ENTROPY = 'TrainkitCrossEntropy';

/**
 * d(loss)/d(logits) of CROSS_ENTROPY: inputs {dy, logits, target, weight?}, the same attrs, output [N, C]. dy is [N]
 * for 'none' and a scalar otherwise; rows of ignored targets are zero (so an all-ignored 'mean' gives a zero
 * gradient, as PyTorch's, though its loss is NaN). A backend that registers CROSS_ENTROPY registers this too.
 */
export const CROSS_ENTROPY_GRAD = 'TrainkitCrossEntropyGrad';
export const crossEntropyGradOp = defineKernel<'dy' | 'logits' | 'target' | 'weight', CrossEntropyAttrs>(
  CROSS_ENTROPY_GRAD,
);

export interface CrossEntropyAttrs {
  ignoreIndex: number;
  /**
   * nn's `Reduction`, spelled out: a type that both entries (@trainkit/core and @trainkit/core/kernels) import lands
   * in a shared declaration chunk, which tsup's declaration bundler then lists in the `nn` namespace of index.d.ts
   * as a value (`typeof Reduction`, error TS2693 for every consumer that type-checks it; found by pack-check).
   */
  reduction: 'none' | 'mean' | 'sum';
  /** ε in [0, 1], checked before the kernel runs */
  labelSmoothing: number;
  /** names the loss in the out-of-range error, as checkClassTargets does */
  lossName: string;
}

/**
 * Lazy closures: the tape calls only those of inputs that lead to what is differentiated, which is the logits in
 * training (the targets are int32 and the class weight a buffer). The weight's gradient is op by op, as rare as it is.
 */
export const crossEntropyOp = defineKernel<'logits' | 'target' | 'weight', CrossEntropyAttrs>(CROSS_ENTROPY, {
  inputsToSave: ['logits', 'target', 'weight'],
  gradFunc: (dy, saved, attrs) => {
    const [logits, target, weight] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D | undefined];
    const inputs = { dy: dy as tf.Tensor, logits, target, ...(weight ? { weight } : {}) };
    return {
      logits: () => crossEntropyGradOp.run1(inputs, attrs),
      // as tfjs's OneHot for its indices: the tape requires a float32 closure for every input it has not pruned
      target: () => tf.zeros(target.shape, 'float32'),
      weight: () => weightGrad(dy as tf.Tensor, logits, target, weight ?? tf.ones([logits.shape[1]]), attrs),
    };
  },
});

/**
 * d(loss)/d(w). The loss is linear in w: ℓ_n = Σ_c w_c·G[n, c] with G[n, c] = -((1 - ε)·[c = y_n] + (ε/C)·k_n)·
 * log softmax(x_n)_c (k_n = 0 for ignored targets), so 'none' and 'sum' give Σ_n dy·G[n, c]; 'mean' divides by
 * W = Σ_n w[y_n], which depends on w too: d(S/W)/dw_c = (Σ_n G[n, c] - (S/W)·Σ_n [c = y_n]) / W.
 */
function weightGrad(
  dy: tf.Tensor,
  logits: tf.Tensor2D,
  target: tf.Tensor1D,
  weight: tf.Tensor1D,
  a: CrossEntropyAttrs,
): tf.Tensor {
  const numClasses = logits.shape[1];
  const kept = tf.expandDims(tf.notEqual(target, a.ignoreIndex), -1);
  const picked = tf.cast(
    tf.logicalAnd(tf.equal(tf.expandDims(target, -1), tf.range(0, numClasses, 1, 'int32')), kept),
    'float32',
  );
  const eps = a.labelSmoothing;
  const coef = eps === 0 ? picked : tf.add(tf.mul(picked, 1 - eps), tf.mul(tf.cast(kept, 'float32'), eps / numClasses));
  const g = tf.neg(tf.mul(coef, tf.logSoftmax(logits)));
  if (a.reduction === 'none') return tf.sum(tf.mul(g, tf.expandDims(dy, -1)), 0);
  const total = tf.sum(g, 0);
  if (a.reduction === 'sum') return tf.mul(total, dy);
  const w = tf.sum(tf.mul(picked, weight));
  const mean = tf.div(tf.sum(tf.mul(g, weight)), w);
  return tf.mul(tf.div(tf.sub(total, tf.mul(mean, tf.sum(picked, 0))), w), dy);
}

/** Whether the current backend has CROSS_ENTROPY (and so its gradient kernel). */
export function hasCrossEntropyKernel(): boolean {
  return crossEntropyOp.has();
}

/**
 * Runs CROSS_ENTROPY on checked arguments (logits [N, C] float32, target [N] int32, weight [C] float32 or null);
 * the targets' range is the kernel's to check.
 */
export function crossEntropyKernel(
  logits: tf.Tensor,
  target: tf.Tensor,
  weight: tf.Tensor | null,
  attrs: CrossEntropyAttrs,
): tf.Tensor {
  return tf.tidy(() => {
    const w = weight ?? tf.ones([logits.shape[1]!]);
    return crossEntropyOp.run1({ logits, target, weight: w }, attrs);
  });
}

interface Args {
  x: Float32Array;
  y: Int32Array;
  w: Float32Array | undefined;
  n: number;
  c: number;
  a: CrossEntropyAttrs;
  shapes: [number[], number[]];
}

function read(
  kernel: string,
  { inputs, backend, attrs }: KernelArgs<'logits' | 'target' | 'weight', CrossEntropyAttrs>,
): Args {
  const data = cpuData(backend, kernel);
  const { logits, target, weight } = inputs;
  if (logits?.shape.length !== 2) throw new Error(`cpu ${kernel}: expected logits [N, C]`);
  const [n, c] = logits.shape as [number, number];
  const y = data.values(target, 'target', Int32Array);
  const w = weight ? data.values(weight, 'weight') : undefined;
  if (y.length !== n || (w && w.length !== c)) {
    throw new Error(`cpu ${kernel}: expected target [${n}] and weight [${c}] for logits [${n}, ${c}]`);
  }
  const x = data.values(logits, 'logits');
  return { x, y, w, n, c, a: attrs, shapes: [logits.shape, target!.shape] };
}

/** log Σ_c exp(x[at + c]) in double, the row maximum taken out first so that large logits do not overflow. */
function logSumExp(x: Float32Array, at: number, c: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < c; j++) if (x[at + j]! > max) max = x[at + j]!;
  let sum = 0;
  for (let j = 0; j < c; j++) sum += Math.exp(x[at + j]! - max);
  return max + Math.log(sum);
}

/** Σ_n w[y_n] over the targets that are not ignored: the denominator of the weighted mean. */
function totalWeight({ y, w, a }: Args): number {
  let total = 0;
  for (const t of y) if (t !== a.ignoreIndex) total += w ? w[t]! : 1;
  return total;
}

/**
 * CROSS_ENTROPY on tfjs's cpu backend: one pass over the logits in double precision, where the op-by-op form runs
 * about twenty kernels (log-softmax, a one-hot by comparison, masks, products, sums) and reads the targets back for
 * their range check. Per row, with lse = log Σ_c exp(x_c) and ℓ_n = 0 where y_n is ignored:
 *
 *   ℓ_n = (1 - ε)·w[y_n]·(lse - x_{y_n}) + (ε/C)·Σ_c w_c·(lse - x_c)
 *
 * then 'none' → ℓ, 'sum' → Σ ℓ_n, 'mean' → Σ ℓ_n / Σ w[y_n] (NaN when every target is ignored).
 */
export const crossEntropyCpuKernel = crossEntropyOp.kernel((args) => {
  const r = read(CROSS_ENTROPY, args);
  const { x, y, w, n, c, a } = r;
  checkClassTargetRange(a.lossName, y, c, a.ignoreIndex, ...r.shapes);
  const eps = a.labelSmoothing;
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = y[i]!;
    if (t === a.ignoreIndex) continue;
    const at = i * c;
    const lse = logSumExp(x, at, c);
    let l = (w ? w[t]! : 1) * (lse - x[at + t]!);
    if (eps !== 0) {
      let smooth = 0;
      for (let j = 0; j < c; j++) smooth += (w ? w[j]! : 1) * (lse - x[at + j]!);
      l = (1 - eps) * l + (eps / c) * smooth;
    }
    loss[i] = l;
  }
  const data = cpuData(args.backend, CROSS_ENTROPY);
  if (a.reduction === 'none') return data.output([n], Float32Array.from(loss));
  let sum = 0;
  for (const l of loss) sum += l;
  const out = a.reduction === 'sum' ? sum : sum / totalWeight(r);
  return data.output([], Float32Array.of(out));
});

/**
 * CROSS_ENTROPY_GRAD on tfjs's cpu backend, with p = softmax(x_n) and δ the one-hot of y_n:
 *
 *   dx_n = g_n·((1 - ε)·w[y_n]·(p - δ) + (ε/C)·(p·Σ_c w_c - w))
 *
 * where g_n is dy_n ('none'), dy ('sum') or dy / Σ w[y_n] ('mean'), and dx_n = 0 where y_n is ignored.
 */
export const crossEntropyGradCpuKernel = crossEntropyGradOp.kernel((args) => {
  const r = read(CROSS_ENTROPY_GRAD, args);
  const { x, y, w, n, c, a } = r;
  const data = cpuData(args.backend, CROSS_ENTROPY_GRAD);
  const dy = data.values(args.inputs.dy, 'dy');
  const eps = a.labelSmoothing;
  let weightSum = c;
  if (w) {
    weightSum = 0;
    for (const v of w) weightSum += v;
  }
  const scale = a.reduction === 'mean' ? dy[0]! / totalWeight(r) : dy[0]!;
  const dx = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    const t = y[i]!;
    if (t === a.ignoreIndex) continue;
    const g = a.reduction === 'none' ? dy[i]! : scale;
    const at = i * c;
    const lse = logSumExp(x, at, c);
    const picked = (1 - eps) * (w ? w[t]! : 1);
    const perProb = picked + (eps / c) * weightSum;
    for (let j = 0; j < c; j++) {
      const own = (eps / c) * (w ? w[j]! : 1);
      dx[at + j] = g * (Math.exp(x[at + j]! - lse) * perProb - own - (j === t ? picked : 0));
    }
  }
  return data.output([n, c], dx);
});
