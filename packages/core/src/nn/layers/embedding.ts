import type { Generator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { embedding } from '../functional/embedding.js';
import { normal_ } from '../init/fill.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { kwargs } from '../py-repr.js';
import { asLayer } from './layer-errors.js';

export interface EmbeddingOptions {
  /** this row starts at zero and gets no gradient (negative counts from the end) */
  paddingIdx?: number | null;
  /** the stream the initial N(0, 1) weights are drawn from; defaults to defaultGenerator */
  generator?: Generator;
}

/**
 * A lookup table of numEmbeddings vectors of size embeddingDim, as torch.nn.Embedding: integer indices [*] →
 * [*, embeddingDim]; weight starts as N(0, 1). PyTorch's max_norm, scale_grad_by_freq and sparse are not offered.
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    for (const [name, v] of [
      ['num_embeddings', numEmbeddings],
      ['embedding_dim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Embedding: ${name} must be a positive integer, got ${v}`);
    }
    const unsupported = Object.keys(options).filter((k) => !['paddingIdx', 'generator'].includes(k));
    if (unsupported.length > 0) {
      throw new Error(
        `Embedding: option(s) ${unsupported.join(', ')} are not supported (paddingIdx and generator are)`,
      );
    }
    const p = options.paddingIdx ?? null;
    if (p !== null && !(Number.isInteger(p) && p >= -numEmbeddings && p < numEmbeddings)) {
      throw new Error(`Embedding: padding_idx must be within num_embeddings (${numEmbeddings}), got ${p}`);
    }
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = new Parameter(tf.zeros([numEmbeddings, embeddingDim]));
    this.resetParameters(options.generator);
  }

  resetParameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, { generator });
    if (this.paddingIdx !== null) {
      const row = this.paddingIdx;
      this.weight.data.assign(
        tf.tidy(() =>
          tf.mul(
            this.weight.data,
            tf.reshape(tf.oneHot(tf.tensor1d([row], 'int32'), this.numEmbeddings, 0, 1), [-1, 1]),
          ),
        ),
      );
    }
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => embedding(input, this.weight.data, this.paddingIdx));
  }

  override extraRepr(): string {
    const base = `${this.numEmbeddings}, ${this.embeddingDim}`;
    return this.paddingIdx === null ? base : `${base}, ${kwargs({ padding_idx: this.paddingIdx })}`;
  }
}
