import { tf } from '@trainkit/core';

/**
 * The closed-formula weights and inputs of tools/fixtures/models.py (formula_unit, formula_tensor, formula_input),
 * for models whose weights are too large to commit. Each value is integer arithmetic, then float64 operations that
 * IEEE 754 rounds the same in numpy and JavaScript, then one rounding to float32: the tensors are bit-identical to
 * the ones PyTorch ran.
 */

const INPUT_K = 4242;

/** Fills a float32 array of n values with f(u_i), u_i = ((7919·i + 104729·k) mod 10007) / 10007 as formula_unit. */
function fill(n: number, k: number, f: (u: number) => number): Float32Array {
  const out = new Float32Array(n);
  const offset = (k * 104729) % 10007; // i·7919 + k·104729 ≡ (i mod 10007)·7919 + offset, all below 2^53
  for (let i = 0; i < n; i++) out[i] = f((((i % 10007) * 7919 + offset) % 10007) / 10007);
  return out;
}

/** Entry number k of the state dict, named `name`, as formula_tensor. */
export function formulaTensor(name: string, shape: number[], k: number, dtype: string): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'int64') return tf.zeros(shape, 'int32'); // num_batches_tracked
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  let values: Float32Array;
  if (leaf === 'running_var') values = fill(n, k, (u) => 0.5 + u);
  else if (leaf === 'running_mean') values = fill(n, k, (u) => 0.2 * (2 * u - 1));
  else if (shape.length >= 2) {
    const bound = Math.sqrt(6 / shape.slice(1).reduce((a, b) => a * b, 1));
    values = fill(n, k, (u) => (2 * u - 1) * bound);
  } else if (leaf === 'weight') values = fill(n, k, (u) => 1 + 0.2 * (2 * u - 1));
  else values = fill(n, k, (u) => 0.1 * (2 * u - 1));
  return tf.tensor(values, shape, 'float32');
}

/** The whole state dict from PyTorch's keys, shapes and dtypes, in its order (entry k gets stream k). */
export function formulaState(keys: [string, number[], string][]): Record<string, tf.Tensor> {
  return Object.fromEntries(keys.map(([name, shape, dtype], k) => [name, formulaTensor(name, shape, k, dtype)]));
}

/** formula_input: values in [−1, 1). */
export function formulaInput(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    fill(n, INPUT_K, (u) => 2 * u - 1),
    shape,
    'float32',
  );
}
