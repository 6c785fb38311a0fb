import { tf } from '../tf.js';

let nextId = 0;

/**
 * A trainable tensor, like torch.nn.Parameter. `data` is a tf.Variable updated in place by optimizers and
 * loadStateDict; `grad` holds the accumulated gradient after backward (null until then, and after zeroGrad);
 * `requiresGrad = false` freezes it: backward computes no gradient for it and optimizers leave it alone.
 */
export class Parameter {
  readonly data: tf.Variable;
  grad: tf.Tensor | null = null;

  /** Takes ownership of `value`. */
  constructor(value: tf.Tensor, requiresGrad = true) {
    if (value.dtype !== 'float32') throw new Error(`Parameter: expected a float32 tensor, got ${value.dtype}`);
    this.data = tf.variable(value, requiresGrad, `trainkit/param_${nextId++}`);
    value.dispose();
  }

  get requiresGrad(): boolean {
    return this.data.trainable;
  }

  set requiresGrad(flag: boolean) {
    this.data.trainable = flag;
    if (!flag) this.zeroGrad();
  }

  get shape(): number[] {
    return this.data.shape;
  }

  get size(): number {
    return this.data.size;
  }

  /** Replaces the value in place (same variable, same identity), checking the shape. */
  copy_(value: tf.Tensor): void {
    if (!tf.util.arraysEqual(value.shape, this.data.shape)) {
      throw new Error(`Parameter.copy_: expected shape [${this.data.shape}], got [${value.shape}]`);
    }
    this.data.assign(value.dtype === 'float32' ? value : tf.cast(value, 'float32'));
  }

  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  dispose(): void {
    this.zeroGrad();
    this.data.dispose();
  }

  toString(): string {
    return `Parameter(shape=[${this.shape.join(', ')}], requiresGrad=${this.requiresGrad})`;
  }
}
