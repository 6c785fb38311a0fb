import type { tf } from '../../tf.js';
import { type InterpolateMode, interpolate } from '../functional/interpolate.js';
import { Module } from '../module.js';
import { pyRepr } from '../py-repr.js';
import { asLayer } from './layer-errors.js';

export interface UpsampleOptions {
  size?: number | readonly [number, number] | null;
  scaleFactor?: number | readonly [number, number] | null;
  /** 'nearest' (default) or 'bilinear' */
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
}

/** Resizes NCHW images by a size or a scale factor, as torch.nn.Upsample (F.interpolate). */
export class Upsample extends Module {
  readonly size: number | readonly [number, number] | null;
  readonly scaleFactor: number | readonly [number, number] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;

  constructor(options: UpsampleOptions = {}) {
    super();
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () =>
      interpolate(input, {
        size: this.size,
        scaleFactor: this.scaleFactor,
        mode: this.mode,
        alignCorners: this.alignCorners,
      }),
    );
  }

  override extraRepr(): string {
    // PyTorch stores the scale factor as float(s), so 2 prints as 2.0
    const float = (v: number) => (Number.isInteger(v) ? `${v}.0` : pyRepr(v));
    const sf = this.scaleFactor;
    const info =
      sf === null
        ? `size=${pyRepr(this.size)}`
        : `scale_factor=${typeof sf === 'number' ? float(sf) : `(${sf.map(float).join(', ')})`}`;
    // and the mode without quotes
    return `${info}, mode=${this.mode}`;
  }
}
