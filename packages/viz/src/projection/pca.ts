import type { Tensor } from '@trainkit/core';
import { toRows } from './rows.js';

export interface PCAResult {
  /** The data in the new coordinates, [N][k]. */
  projected: number[][];
  /** Principal axes, [k][D], unit length, largest-variance first; each one's largest-magnitude entry is positive. */
  components: number[][];
  /** Variance along each axis (denominator N − 1, as sklearn). */
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  /** The per-feature mean that was subtracted. */
  mean: number[];
}

/**
 * Eigen-decomposition of a small symmetric matrix (row-major m×m) by cyclic Jacobi rotations: returns eigenvalues
 * and eigenvectors (as columns of a row-major m×m matrix), unsorted.
 */
function jacobiEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += (A[p * m + q] as number) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = A[p * m + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * m + p] as number;
        const aqq = A[q * m + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = A[k * m + p] as number;
          const akq = A[k * m + q] as number;
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = A[p * m + k] as number;
          const aqk = A[q * m + k] as number;
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p] as number;
          const vkq = V[k * m + q] as number;
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: m }, (_, i) => A[i * m + i] as number), vectors: V };
}

/**
 * Orthonormalises the columns of a row-major D×m matrix in place: modified Gram–Schmidt, run twice per column for
 * stability. A column that is (relatively) dependent on the previous ones, as with rank-deficient data, is replaced
 * by the next unit vector that is not.
 */
function orthonormalize(Q: Float64Array, D: number, m: number): void {
  let nextBasis = 0;
  const norm = (j: number) => {
    let s = 0;
    for (let r = 0; r < D; r++) s += (Q[r * m + j] as number) ** 2;
    return Math.sqrt(s);
  };
  for (let j = 0; j < m; j++) {
    const before = norm(j);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < D; r++) dot += (Q[r * m + i] as number) * (Q[r * m + j] as number);
        for (let r = 0; r < D; r++) Q[r * m + j] = (Q[r * m + j] as number) - dot * (Q[r * m + i] as number);
      }
    }
    const after = norm(j);
    if (!(after > 1e-10 * before) || after === 0) {
      if (nextBasis >= D) throw new Error('pca: could not build an orthonormal basis');
      for (let r = 0; r < D; r++) Q[r * m + j] = r === nextBasis ? 1 : 0;
      nextBasis++;
      j--;
      continue;
    }
    for (let r = 0; r < D; r++) Q[r * m + j] = (Q[r * m + j] as number) / after;
  }
}

/**
 * Principal component analysis of rows of `data` ([N, D]) onto the top `k` axes, as sklearn's PCA(k).fit_transform:
 * centred data, axes = eigenvectors of the covariance. Computed by subspace iteration with a few spare vectors and
 * a Rayleigh–Ritz step, exact when D is small; deterministic (fixed start).
 */
export function pca(data: Tensor | readonly (readonly number[])[], k = 2): PCAResult {
  const { X, N, D } = toRows('pca', data);
  if (N < 2) throw new Error(`pca: need at least 2 rows, got ${N}`);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(N, D))
    throw new Error(`pca: k must be in 1..${Math.min(N, D)}, got ${k}`);
  const mean = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) mean[d] = (mean[d] as number) + (X[i * D + d] as number) / N;
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) X[i * D + d] = (X[i * D + d] as number) - (mean[d] as number);
  let totalVar = 0;
  for (const v of X) totalVar += v * v;
  totalVar /= N - 1;

  const m = Math.min(D, k + 10);
  const Q = new Float64Array(D * m);
  // fixed start (mulberry32), so results do not depend on Math.random
  let seed = 12345;
  for (let i = 0; i < Q.length; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    Q[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  orthonormalize(Q, D, m);
  const XQ = new Float64Array(N * m);
  const project = () => {
    XQ.fill(0);
    for (let i = 0; i < N; i++) {
      for (let d = 0; d < D; d++) {
        const x = X[i * D + d] as number;
        if (x === 0) continue;
        for (let j = 0; j < m; j++) XQ[i * m + j] = (XQ[i * m + j] as number) + x * (Q[d * m + j] as number);
      }
    }
  };
  let prev = new Float64Array(m);
  const iterations = m === D ? 1 : 300;
  for (let it = 0; it < iterations; it++) {
    project();
    // Q ← orth(Xᵀ X Q)
    Q.fill(0);
    for (let i = 0; i < N; i++) {
      for (let d = 0; d < D; d++) {
        const x = X[i * D + d] as number;
        if (x === 0) continue;
        for (let j = 0; j < m; j++) Q[d * m + j] = (Q[d * m + j] as number) + x * (XQ[i * m + j] as number);
      }
    }
    const norms = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (Q[d * m + j] as number) ** 2;
      norms[j] = Math.sqrt(s);
    }
    orthonormalize(Q, D, m);
    const converged = norms.every((v, j) => Math.abs(v - (prev[j] as number)) <= 1e-12 * Math.max(1, v));
    prev = norms;
    if (converged) break;
  }
  // Rayleigh–Ritz: eigenvectors of Qᵀ C Q give the axes inside the converged subspace
  project();
  const B = new Float64Array(m * m);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < m; a++) {
      const va = XQ[i * m + a] as number;
      for (let b = a; b < m; b++) B[a * m + b] = (B[a * m + b] as number) + va * (XQ[i * m + b] as number);
    }
  }
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      const v = (B[a * m + b] as number) / (N - 1);
      B[a * m + b] = v;
      B[b * m + a] = v;
    }
  }
  const { values, vectors } = jacobiEigen(B, m);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (values[b] as number) - (values[a] as number));
  const components: number[][] = [];
  const explainedVariance: number[] = [];
  for (const idx of order.slice(0, k)) {
    const comp = new Array<number>(D).fill(0);
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += (Q[d * m + j] as number) * (vectors[j * m + idx] as number);
      comp[d] = s;
    }
    let big = 0;
    for (const v of comp) if (Math.abs(v) > Math.abs(big)) big = v;
    components.push(big < 0 ? comp.map((v) => -v) : comp);
    explainedVariance.push(Math.max(0, values[idx] as number));
  }
  const projected = Array.from({ length: N }, (_, i) =>
    components.map((c) => {
      let s = 0;
      for (let d = 0; d < D; d++) s += (X[i * D + d] as number) * (c[d] as number);
      return s;
    }),
  );
  return {
    projected,
    components,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (totalVar > 0 ? v / totalVar : 0)),
    mean: Array.from(mean),
  };
}
