import { defaultGenerator, type Generator, tf } from '@trainkit/core';

/**
 * d2l's synthetic_data: n examples of y = Xw + b + ε with X ~ N(0, 1) of shape [n, len(w)] and ε ~ N(0, 0.01²),
 * returned as [X, y] with y of shape [n, 1] — the linear-regression data of d2l's chapter 3. Drawn from `generator`
 * (the default generator, which manualSeed seeds); the numbers are not PyTorch's, whose random streams differ.
 */
export function syntheticData(
  w: tf.Tensor | readonly number[],
  b: number,
  numExamples: number,
  options: { generator?: Generator } = {},
): [tf.Tensor2D, tf.Tensor2D] {
  const weights = w instanceof tf.Tensor ? Array.from(w.dataSync()) : [...w];
  if (weights.length === 0 || (w instanceof tf.Tensor && w.rank !== 1)) {
    throw new Error(
      `syntheticData: w must be a non-empty vector, got ${w instanceof tf.Tensor ? `shape [${w.shape}]` : '[]'}`,
    );
  }
  if (!Number.isInteger(numExamples) || numExamples < 1) {
    throw new Error(`syntheticData: numExamples must be a positive integer, got ${numExamples}`);
  }
  if (!Number.isFinite(b) || weights.some((v) => !Number.isFinite(v))) {
    throw new Error('syntheticData: w and b must be finite numbers');
  }
  const g = options.generator ?? defaultGenerator;
  const d = weights.length;
  const x = new Float32Array(numExamples * d);
  const y = new Float32Array(numExamples);
  for (let i = 0; i < numExamples; i++) {
    let s = b;
    for (let j = 0; j < d; j++) {
      const v = Math.fround(g.normal());
      x[i * d + j] = v;
      s += v * weights[j]!;
    }
    y[i] = s + g.normal(0, 0.01);
  }
  return [tf.tensor2d(x, [numExamples, d]), tf.tensor2d(y, [numExamples, 1])];
}
