import type { tf } from '../tf.js';
import type { Module } from './module.js';

/**
 * A layer's forward on an NHWC activation [N, H, W, C] (channels last), returning NHWC, with the same numbers and
 * checks as its NCHW forward. tfjs convolves and pools NHWC, so an NCHW layer transposes in and out; Sequential runs
 * consecutive layers that have this method channels-last and transposes once at each end of the run
 * (containers/sequential.ts), which keeps PyTorch's NCHW at every boundary a user can see.
 */
export const forwardChannelsLast = Symbol('trainkit.forwardChannelsLast');

export interface ChannelsLastLayer {
  [forwardChannelsLast](xh: tf.Tensor4D): tf.Tensor4D;
}

/**
 * The layer's channels-last forward, or undefined when it has none or when a subclass replaced the forward that the
 * channels-last one mirrors (the subclass's forward is what must run then).
 */
export function channelsLastForward(m: Module): ((xh: tf.Tensor4D) => tf.Tensor4D) | undefined {
  const fn = (m as Partial<ChannelsLastLayer>)[forwardChannelsLast];
  if (!fn) return undefined;
  let owner: object | null = Object.getPrototypeOf(m);
  while (owner && !Object.hasOwn(owner, forwardChannelsLast)) owner = Object.getPrototypeOf(owner);
  if (!owner || (owner as { forward?: unknown }).forward !== m.forward) return undefined;
  return fn.bind(m);
}
