import { defaultGenerator } from '../../random/default-generator.js';
import type { Generator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { isOptions } from './options.js';

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  /** the stream the mask is drawn from (through a tfjs seed); defaults to defaultGenerator */
  generator?: Generator;
  /**
   * The shape of the mask, broadcast over the input: the input's shape (elementwise dropout) by default;
   * [N, C, 1, 1] zeroes whole channels (dropout2d).
   */
  maskShape?: number[];
}

/** Throws unless p is a probability; PyTorch checks this both when a Dropout is made and when it runs. */
export function checkDropoutP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1 − p), as torch.nn.functional.dropout; the
 * identity when not training. The mask is drawn by tfjs from a seed taken from the generator, so manualSeed makes
 * it reproducible.
 */
export function dropout(input: tf.Tensor, p: number | DropoutOptions = 0.5, training = true): tf.Tensor {
  const o: DropoutOptions = isOptions<DropoutOptions>(p) ? p : { p, training };
  const prob = o.p ?? 0.5;
  checkDropoutP(prob);
  if (!(o.training ?? true) || prob === 0) return input;
  if (prob === 1) return tf.mul(input, 0);
  const seed = (o.generator ?? defaultGenerator).nextSeed();
  return tf.tidy(() => {
    const keep = tf.greaterEqual(tf.randomUniform(o.maskShape ?? input.shape, 0, 1, 'float32', seed), prob);
    return tf.mul(input, tf.mul(tf.cast(keep, 'float32'), 1 / (1 - prob)));
  });
}

/**
 * Zeroes whole channels of an [N, C, H, W] (or [C, H, W]) input with probability p and scales the rest by 1/(1 − p),
 * as torch.nn.functional.dropout2d; the identity when not training.
 */
export function dropout2d(input: tf.Tensor, p: number | DropoutOptions = 0.5, training = true): tf.Tensor {
  const o: DropoutOptions = isOptions<DropoutOptions>(p) ? p : { p, training };
  if (input.rank !== 3 && input.rank !== 4) {
    throw new RangeError(`dropout2d: expected a 3-D or 4-D input, got shape [${input.shape.join(', ')}]`);
  }
  const maskShape = input.shape.map((d, i) => (i < input.rank - 2 ? d : 1));
  return dropout(input, { ...o, maskShape });
}
