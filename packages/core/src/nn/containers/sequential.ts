import type { tf } from '../../tf.js';
import { Module } from '../module.js';

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
      this.#layers.forEach((m, i) => this.registerModule(String(i), m));
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

  forward(input: tf.Tensor): tf.Tensor {
    let x: unknown = input;
    for (const layer of this.#layers) x = (layer.call as (...a: unknown[]) => unknown).call(layer, x);
    return x as tf.Tensor;
  }
}
