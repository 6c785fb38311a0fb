import { Generator, type Tensor } from '@trainkit/core';
import { pca } from './pca.js';
import { toRows } from './rows.js';

export interface TSNEOptions {
  /** dimensions of the embedding (sklearn's n_components); default 2 */
  nComponents?: number;
  /** the effective number of neighbours each point's Gaussian keeps; less than the number of points; default 30 */
  perplexity?: number;
  /** P is multiplied by this for the first 250 iterations, pulling clusters apart early; default 12 */
  earlyExaggeration?: number;
  /** 'auto' (the default) is max(N / earlyExaggeration / 4, 50), as sklearn ≥ 1.2 */
  learningRate?: number | 'auto';
  /** iterations in all, at least 250 (the early-exaggeration phase); default 1000 */
  nIter?: number;
  /** stop after this many iterations without a lower KL divergence (checked every 50); default 300 */
  nIterWithoutProgress?: number;
  /** stop when the gradient's norm falls to this; default 1e-7 */
  minGradNorm?: number;
  /**
   * 'pca' (the default: the top principal axes, scaled so the first has standard deviation 1e-4), 'random'
   * (N(0, 1e-4²) from `seed`) or the initial embedding itself, [N][nComponents].
   */
  init?: 'pca' | 'random' | readonly (readonly number[])[];
  /** seeds the 'random' init; default 0 */
  seed?: number;
  /** called every 50 iterations and at the end, for a progress bar: t-SNE is O(N²) per iteration */
  onProgress?: (progress: { iteration: number; total: number; klDivergence: number }) => void;
}

export interface TSNEResult {
  /** the embedding, [N][nComponents] */
  embedding: number[][];
  /** KL(P ‖ Q) at the end (sklearn's kl_divergence_) */
  klDivergence: number;
  /** the index of the last iteration run (sklearn's n_iter_) */
  nIter: number;
}

const MACHINE_EPSILON = 2 ** -52;
// sklearn's binary search keeps these in C floats
const PERPLEXITY_TOLERANCE = Math.fround(1e-5);
const EPSILON_DBL = Math.fround(1e-8);
const EXPLORATION_N_ITER = 250;
const N_ITER_CHECK = 50;
// float32, as numpy applies these Python floats to sklearn's float32 gains
const MIN_GAIN = Math.fround(0.01);
const GAIN_UP = Math.fround(0.2);
const GAIN_DOWN = Math.fround(0.8);

/**
 * t-distributed stochastic neighbour embedding of the rows of `data` ([N, D]), as sklearn's
 * TSNE(method='exact').fit_transform: Gaussian affinities P with a per-point bandwidth found by binary search to
 * the perplexity, a Student-t Q in the embedding, and gradient descent on KL(P ‖ Q) with early exaggeration,
 * momentum 0.5 then 0.8 and per-coordinate gains. The embedding, its update and the gradient are float32 as in
 * sklearn (P, Q and the sums are float64), so that a run from the same initial embedding follows sklearn's.
 * Exact, so O(N²) memory and time per iteration: meant for up to a few thousand points (1,000 points: seconds).
 */
export function tsne(data: Tensor | readonly (readonly number[])[], options: TSNEOptions = {}): TSNEResult {
  const { X, N, D } = toRows('tsne', data);
  const o = checkOptions(options, N);
  const P = jointProbabilities(squaredDistances(X, N, D), N, o.perplexity);
  const p = initialEmbedding(o, X, N, D);
  const learningRate = o.learningRate === 'auto' ? Math.max(N / o.earlyExaggeration / 4, 50) : o.learningRate;
  const objective = klDivergence(P, N, o.nComponents);
  const descend = (it: number, nIter: number, momentum: number, nIterWithoutProgress: number) =>
    gradientDescent(objective, p, {
      it,
      nIter,
      momentum,
      nIterWithoutProgress,
      learningRate,
      minGradNorm: o.minGradNorm,
      onCheck: (iteration, klDivergence) => o.onProgress?.({ iteration, total: o.nIter, klDivergence }),
    });
  exaggerate(P, o.earlyExaggeration);
  let { error, it } = descend(0, EXPLORATION_N_ITER, 0.5, EXPLORATION_N_ITER);
  unexaggerate(P, o.earlyExaggeration);
  if (it < EXPLORATION_N_ITER || o.nIter > EXPLORATION_N_ITER) {
    ({ error, it } = descend(it + 1, o.nIter, 0.8, o.nIterWithoutProgress));
  }
  o.onProgress?.({ iteration: it + 1, total: o.nIter, klDivergence: error });
  const k = o.nComponents;
  const embedding = Array.from({ length: N }, (_, i) => Array.from(p.subarray(i * k, (i + 1) * k)));
  return { embedding, klDivergence: error, nIter: it };
}

type Checked = Required<Omit<TSNEOptions, 'onProgress'>> & Pick<TSNEOptions, 'onProgress'>;

function checkOptions(options: TSNEOptions, N: number): Checked {
  const o: Checked = {
    nComponents: 2,
    perplexity: 30,
    earlyExaggeration: 12,
    learningRate: 'auto',
    nIter: 1000,
    nIterWithoutProgress: 300,
    minGradNorm: 1e-7,
    init: 'pca',
    seed: 0,
    ...options,
  };
  const positive = (name: keyof TSNEOptions, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`tsne: ${name} must be a positive number, got ${v}`);
  };
  if (N < 2) throw new Error(`tsne: need at least 2 rows, got ${N}`);
  if (!Number.isInteger(o.nComponents) || o.nComponents < 1)
    throw new Error(`tsne: nComponents must be a positive integer, got ${o.nComponents}`);
  positive('perplexity', o.perplexity);
  if (o.perplexity >= N)
    throw new Error(`tsne: perplexity (${o.perplexity}) must be less than the number of rows (${N})`);
  positive('earlyExaggeration', o.earlyExaggeration);
  if (o.learningRate !== 'auto') positive('learningRate', o.learningRate);
  if (!Number.isInteger(o.nIter) || o.nIter < EXPLORATION_N_ITER)
    throw new Error(`tsne: nIter must be an integer of at least ${EXPLORATION_N_ITER}, got ${o.nIter}`);
  if (!Number.isInteger(o.nIterWithoutProgress) || o.nIterWithoutProgress < 1)
    throw new Error(`tsne: nIterWithoutProgress must be a positive integer, got ${o.nIterWithoutProgress}`);
  if (!(o.minGradNorm >= 0)) throw new Error(`tsne: minGradNorm must be ≥ 0, got ${o.minGradNorm}`);
  return o;
}

/** ‖xᵢ − xⱼ‖² for every pair, rounded to float32 as sklearn hands them to its binary search. */
function squaredDistances(X: Float64Array, N: number, D: number): Float32Array {
  const d = new Float32Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) {
        const diff = (X[i * D + k] as number) - (X[j * D + k] as number);
        s += diff * diff;
      }
      d[i * N + j] = s;
      d[j * N + i] = s;
    }
  }
  return d;
}

/**
 * The symmetric joint probabilities pᵢⱼ = (pⱼ|ᵢ + pᵢ|ⱼ) / Σ, each row's conditional Gaussian pⱼ|ᵢ ∝ exp(−β dᵢⱼ) with β
 * bisected (100 steps at most) until its entropy is log(perplexity), as sklearn's _binary_search_perplexity and
 * _joint_probabilities. Returned as a full N×N matrix (zero diagonal).
 */
function jointProbabilities(d: Float32Array, N: number, perplexity: number): Float64Array {
  const cond = new Float64Array(N * N);
  const desiredEntropy = Math.log(Math.fround(perplexity));
  for (let i = 0; i < N; i++) {
    let beta = 1;
    let betaMin = Number.NEGATIVE_INFINITY;
    let betaMax = Number.POSITIVE_INFINITY;
    const row = i * N;
    for (let step = 0; step < 100; step++) {
      let sumP = 0;
      for (let j = 0; j < N; j++) {
        if (j === i) continue;
        const v = Math.exp(-(d[row + j] as number) * beta);
        cond[row + j] = v;
        sumP += v;
      }
      if (sumP === 0) sumP = EPSILON_DBL;
      let sumDistP = 0;
      for (let j = 0; j < N; j++) {
        const v = (cond[row + j] as number) / sumP;
        cond[row + j] = v;
        sumDistP += (d[row + j] as number) * v;
      }
      const entropyDiff = Math.log(sumP) + beta * sumDistP - desiredEntropy;
      if (Math.abs(entropyDiff) <= PERPLEXITY_TOLERANCE) break;
      if (entropyDiff > 0) {
        betaMin = beta;
        beta = betaMax === Number.POSITIVE_INFINITY ? beta * 2 : (beta + betaMax) / 2;
      } else {
        betaMax = beta;
        beta = betaMin === Number.NEGATIVE_INFINITY ? beta / 2 : (beta + betaMin) / 2;
      }
    }
  }
  let sum = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) sum += cond[i * N + j] as number;
  // Σ over the symmetrised matrix, which holds every conditional twice
  const total = Math.max(2 * sum, MACHINE_EPSILON);
  const P = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      const v = Math.max(((cond[i * N + j] as number) + (cond[j * N + i] as number)) / total, MACHINE_EPSILON);
      P[i * N + j] = v;
      P[j * N + i] = v;
    }
  }
  return P;
}

/** `P *= factor` in place (sklearn's early exaggeration). */
function exaggerate(P: Float64Array, factor: number): void {
  for (let i = 0; i < P.length; i++) P[i] = (P[i] as number) * factor;
}

/** `P /= factor` in place: divided, not multiplied by the inverse, so the values come back as sklearn's do. */
function unexaggerate(P: Float64Array, factor: number): void {
  for (let i = 0; i < P.length; i++) P[i] = (P[i] as number) / factor;
}

function initialEmbedding(o: Checked, X: Float64Array, N: number, D: number): Float32Array {
  const k = o.nComponents;
  const p = new Float32Array(N * k);
  if (o.init === 'random') {
    const g = new Generator(o.seed);
    for (let i = 0; i < p.length; i++) p[i] = 1e-4 * g.normal();
    return p;
  }
  if (o.init === 'pca') {
    if (k > Math.min(N, D)) throw new Error(`tsne: init 'pca' needs nComponents ≤ ${Math.min(N, D)}, got ${k}`);
    const rows = Array.from({ length: N }, (_, i) => Array.from(X.subarray(i * D, (i + 1) * D)));
    for (const [i, r] of pca(rows, k).projected.entries()) p.set(r, i * k);
    let mean = 0;
    for (let i = 0; i < N; i++) mean += p[i * k] as number;
    mean /= N;
    let variance = 0;
    for (let i = 0; i < N; i++) variance += ((p[i * k] as number) - mean) ** 2;
    const std = Math.sqrt(variance / N);
    if (std === 0) throw new Error('tsne: init pca: the data has no variance along its first principal axis');
    for (let i = 0; i < p.length; i++) p[i] = ((p[i] as number) / std) * 1e-4;
    return p;
  }
  if (o.init.length !== N || o.init.some((r) => r.length !== k)) {
    throw new Error(
      `tsne: init must be [${N}][${k}] (rows × nComponents), got [${o.init.length}][${o.init[0]?.length ?? 0}]`,
    );
  }
  for (const [i, r] of o.init.entries()) p.set(r, i * k);
  return p;
}

type Objective = (p: Float32Array, computeError: boolean) => { error: number; grad: Float32Array };

/**
 * KL(P ‖ Q) and its gradient, as sklearn's _kl_divergence: qᵢⱼ ∝ (1 + ‖yᵢ − yⱼ‖² / ν)^−(ν+1)/2 with ν =
 * max(nComponents − 1, 1), ∂KL/∂yᵢ = 2(ν+1)/ν · Σⱼ (pᵢⱼ − qᵢⱼ)(1 + ‖yᵢ − yⱼ‖²/ν)^−(ν+1)/2 (yᵢ − yⱼ).
 */
function klDivergence(P: Float64Array, N: number, k: number): Objective {
  const dof = Math.max(k - 1, 1);
  const power = (dof + 1) / -2;
  const c = (2 * (dof + 1)) / dof;
  const t = new Float64Array(N * N);
  const grad = new Float32Array(N * k);
  const acc = new Float64Array(k);
  return (p, computeError) => {
    let sum = 0;
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        let s = 0;
        for (let a = 0; a < k; a++) {
          const diff = (p[i * k + a] as number) - (p[j * k + a] as number);
          s += diff * diff;
        }
        // numpy's ** −1 is a reciprocal (its fast path), and Math.pow is several times slower
        const v = power === -1 ? 1 / (s / dof + 1) : (s / dof + 1) ** power;
        t[i * N + j] = v;
        t[j * N + i] = v;
        sum += v;
      }
    }
    // (pᵢⱼ − qᵢⱼ)·tᵢⱼ once per pair, and the error on the way
    let error = computeError ? 0 : Number.NaN;
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        const tij = t[i * N + j] as number;
        const q = Math.max(tij / (2 * sum), MACHINE_EPSILON);
        const pij = P[i * N + j] as number;
        if (computeError) error += pij * Math.log(Math.max(pij, MACHINE_EPSILON) / q);
        const w = (pij - q) * tij;
        t[i * N + j] = w;
        t[j * N + i] = w;
      }
    }
    error *= 2;
    for (let i = 0; i < N; i++) {
      acc.fill(0);
      for (let j = 0; j < N; j++) {
        if (j === i) continue;
        const w = t[i * N + j] as number;
        // yᵢ − yⱼ in float32, as sklearn subtracts its float32 embedding
        for (let a = 0; a < k; a++)
          acc[a] = (acc[a] as number) + w * Math.fround((p[i * k + a] as number) - (p[j * k + a] as number));
      }
      // stored in float32 (sklearn's grad has the embedding's dtype), then scaled in float32
      for (let a = 0; a < k; a++) grad[i * k + a] = Math.fround(acc[a] as number) * c;
    }
    return { error, grad };
  };
}

interface DescentOptions {
  it: number;
  nIter: number;
  momentum: number;
  learningRate: number;
  nIterWithoutProgress: number;
  minGradNorm: number;
  onCheck(iteration: number, klDivergence: number): void;
}

/**
 * sklearn's _gradient_descent with delta-bar-delta gains, on the float32 embedding `p` in place: a coordinate's gain
 * grows by 0.2 while its update and gradient disagree in sign, else shrinks ×0.8 (never below 0.01). Returns the last
 * error computed and the last iteration.
 */
function gradientDescent(objective: Objective, p: Float32Array, o: DescentOptions): { error: number; it: number } {
  const update = new Float32Array(p.length);
  const gains = new Float32Array(p.length).fill(1);
  const momentum = Math.fround(o.momentum);
  const learningRate = Math.fround(o.learningRate);
  let error = Number.MAX_VALUE;
  let bestError = Number.MAX_VALUE;
  let bestIter = o.it;
  let i = o.it;
  for (; i < o.nIter; i++) {
    const check = (i + 1) % N_ITER_CHECK === 0;
    const out = objective(p, check || i === o.nIter - 1);
    error = out.error;
    const grad = out.grad;
    let norm = 0;
    for (let k = 0; k < p.length; k++) {
      const u = update[k] as number;
      const g0 = grad[k] as number;
      const grown =
        Math.fround(u * g0) < 0
          ? Math.fround((gains[k] as number) + GAIN_UP)
          : Math.fround((gains[k] as number) * GAIN_DOWN);
      gains[k] = Math.max(grown, MIN_GAIN);
      const g = Math.fround(g0 * (gains[k] as number));
      norm += g * g;
      update[k] = Math.fround(momentum * u) - Math.fround(learningRate * g);
      p[k] = (p[k] as number) + (update[k] as number);
    }
    if (check) {
      o.onCheck(i + 1, error);
      if (error < bestError) {
        bestError = error;
        bestIter = i;
      } else if (i - bestIter > o.nIterWithoutProgress) break;
      if (Math.sqrt(norm) <= o.minGradNorm) break;
    }
  }
  return { error, it: Math.min(i, o.nIter - 1) };
}
