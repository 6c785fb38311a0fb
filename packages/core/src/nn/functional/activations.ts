import { tf } from '../../tf.js';
import { isOptions } from './options.js';

/** max(0, x), as torch.nn.functional.relu; the gradient at 0 is 0. */
export function relu(input: tf.Tensor): tf.Tensor {
  return tf.relu(input);
}

/** x for x > 0, negativeSlope·x otherwise, as torch.nn.functional.leaky_relu. */
export function leakyRelu(input: tf.Tensor, negativeSlope = 0.01): tf.Tensor {
  return tf.leakyRelu(input, negativeSlope);
}

/** 1 / (1 + e^(−x)). */
export function sigmoid(input: tf.Tensor): tf.Tensor {
  return tf.sigmoid(input);
}

export function tanh(input: tf.Tensor): tf.Tensor {
  return tf.tanh(input);
}

export type GeluApproximate = 'none' | 'tanh';

/**
 * GELU(x) = x·Φ(x) = ½·x·(1 + erf(x/√2)), as torch.nn.functional.gelu; approximate 'tanh' gives
 * ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export function gelu(
  input: tf.Tensor,
  approximate: GeluApproximate | { approximate?: GeluApproximate } = 'none',
): tf.Tensor {
  const mode = isOptions<{ approximate?: GeluApproximate }>(approximate)
    ? (approximate.approximate ?? 'none')
    : approximate;
  if (mode !== 'none' && mode !== 'tanh') throw new Error(`gelu: approximate must be 'none' or 'tanh', got '${mode}'`);
  return tf.tidy(() => {
    const inner =
      mode === 'none'
        ? tf.erf(tf.mul(input, Math.SQRT1_2))
        : tf.tanh(tf.mul(tf.add(input, tf.mul(tf.pow(input, 3), 0.044715)), Math.sqrt(2 / Math.PI)));
    return tf.mul(tf.mul(input, 0.5), tf.add(inner, 1));
  });
}
