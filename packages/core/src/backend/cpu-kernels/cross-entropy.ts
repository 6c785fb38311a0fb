import { checkClassTargetRange } from '../../nn/losses/class-targets.js';
import { CROSS_ENTROPY, CROSS_ENTROPY_GRAD, type CrossEntropyAttrs } from '../../nn/losses/cross-entropy-kernel.js';
import type { tf } from '../../tf.js';

type CpuBackend = {
  data: { get(id: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};

interface Args {
  x: Float32Array;
  y: Int32Array;
  w: Float32Array | undefined;
  n: number;
  c: number;
  a: CrossEntropyAttrs;
  shapes: [number[], number[]];
}

function read(kernel: string, { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): Args {
  const b = backend as unknown as CpuBackend;
  const { logits, target, weight } = inputs as Record<string, tf.TensorInfo | undefined>;
  const data = (info: tf.TensorInfo | undefined, what: string, type: typeof Float32Array | typeof Int32Array) => {
    const values = info && b.data.get(info.dataId).values;
    if (!(values instanceof type)) throw new Error(`cpu ${kernel}: expected ${what} as ${type.name} data`);
    return values;
  };
  if (logits?.shape.length !== 2) throw new Error(`cpu ${kernel}: expected logits [N, C]`);
  const [n, c] = logits.shape as [number, number];
  const y = data(target, 'target', Int32Array) as Int32Array;
  const w = weight ? (data(weight, 'weight', Float32Array) as Float32Array) : undefined;
  if (y.length !== n || (w && w.length !== c)) {
    throw new Error(`cpu ${kernel}: expected target [${n}] and weight [${c}] for logits [${n}, ${c}]`);
  }
  const x = data(logits, 'logits', Float32Array) as Float32Array;
  return { x, y, w, n, c, a: attrs as unknown as CrossEntropyAttrs, shapes: [logits.shape, target!.shape] };
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
export const crossEntropyCpuKernel: tf.KernelFunc = (args) => {
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
  const b = args.backend as unknown as CpuBackend;
  if (a.reduction === 'none') return b.makeTensorInfo([n], 'float32', Float32Array.from(loss));
  let sum = 0;
  for (const l of loss) sum += l;
  const out = a.reduction === 'sum' ? sum : sum / totalWeight(r);
  return b.makeTensorInfo([], 'float32', Float32Array.of(out));
};

/**
 * CROSS_ENTROPY_GRAD on tfjs's cpu backend, with p = softmax(x_n) and δ the one-hot of y_n:
 *
 *   dx_n = g_n·((1 - ε)·w[y_n]·(p - δ) + (ε/C)·(p·Σ_c w_c - w))
 *
 * where g_n is dy_n ('none'), dy ('sum') or dy / Σ w[y_n] ('mean'), and dx_n = 0 where y_n is ignored.
 */
export const crossEntropyGradCpuKernel: tf.KernelFunc = (args) => {
  const r = read(CROSS_ENTROPY_GRAD, args);
  const { x, y, w, n, c, a } = r;
  const b = args.backend as unknown as CpuBackend;
  const dyInfo = args.inputs.dy as tf.TensorInfo | undefined;
  const dy = dyInfo && b.data.get(dyInfo.dataId).values;
  if (!(dy instanceof Float32Array)) throw new Error(`cpu ${CROSS_ENTROPY_GRAD}: expected dy as Float32Array data`);
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
  return b.makeTensorInfo([n, c], 'float32', dx);
};
