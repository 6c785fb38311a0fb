import { tf } from '../../tf.js';
import { channelsLastForward } from '../channels-last.js';
import { toNCHW, toNHWC } from '../functional/layout.js';
import { hasForwardHooks, Module } from '../module.js';

/** Runs its layers in order, each one's output the next one's input, like torch.nn.Sequential. */
export class Sequential extends Module {
  readonly #layers: Module[];

  constructor(...layers: Module[] | [Record<string, Module>]) {
    super();
    const first = layers[0];
    if (layers.length === 1 && first && !(first instanceof Module)) {
      this.#layers = [];
      for (const [name, m] of Object.entries(first)) {
        this.registerModule(name, m);
        this.#layers.push(m);
      }
    } else {
      this.#layers = layers as Module[];
      for (const [i, m] of this.#layers.entries()) this.registerModule(String(i), m);
    }
  }

  get length(): number {
    return this.#layers.length;
  }

  /** The i-th layer; negative indices count from the end. */
  at(i: number): Module {
    const m = this.#layers.at(i);
    if (!m) throw new RangeError(`Sequential: index ${i} out of range for ${this.#layers.length} layers`);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.#layers[Symbol.iterator]();
  }

  /**
   * Runs the layers in order. Two or more consecutive layers that can run channels-last (Conv2d, the pools,
   * BatchNorm2d, pointwise activations; nn/channels-last.ts) and that no hook watches run on NHWC activations, with
   * one transpose in and one out, instead of a transpose pair around each layer: the same numbers, and NCHW wherever a
   * caller or a hook can see a tensor.
   */
  forward(input: tf.Tensor): tf.Tensor {
    let x: unknown = input;
    const layers = this.#layers;
    for (let i = 0; i < layers.length; ) {
      const run = x instanceof tf.Tensor && x.rank === 4 ? channelsLastRun(layers, i) : [];
      if (run.length >= 2) {
        const nchw = x as tf.Tensor4D;
        x = tf.tidy(() => toNCHW(run.reduce((h, forward) => forward(h), toNHWC(nchw))));
        i += run.length;
      } else {
        const layer = layers[i++]!;
        x = (layer.call as (...a: unknown[]) => unknown).call(layer, x);
      }
    }
    return x as tf.Tensor;
  }
}

/** The channels-last forwards of the unhooked layers from `start` on, up to the first layer without one. */
function channelsLastRun(layers: readonly Module[], start: number): ((xh: tf.Tensor4D) => tf.Tensor4D)[] {
  const run: ((xh: tf.Tensor4D) => tf.Tensor4D)[] = [];
  for (let i = start; i < layers.length; i++) {
    const layer = layers[i]!;
    const forward = hasForwardHooks(layer) ? undefined : channelsLastForward(layer);
    if (!forward) break;
    run.push(forward);
  }
  return run;
}
