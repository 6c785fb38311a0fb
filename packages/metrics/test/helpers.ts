import { readFileSync } from 'node:fs';
import { isGradEnabled, nn, tf } from '@trainkit/core';
import { vi } from 'vitest';

export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

export interface MetricsCase {
  name: string;
  numClasses: number;
  classNames: string[];
  labels: number[];
  logits: number[];
  preds: number[];
  matrix: number[][];
  normalized: Record<'true' | 'pred' | 'all', number[][]>;
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
  accuracy: number;
  report: Record<'2' | '4', string>;
  topk: Record<string, number>;
  probs: number[];
  crossEntropySum: number;
  crossEntropyMean: number;
  mostIncorrect: number[];
}

export interface MetricsFixture {
  torch: string;
  sklearn: string;
  cases: MetricsCase[];
  formatFixed: { x: number; digits: number; text: string }[];
}

/** test/fixtures/metrics.json, written by tools/fixtures/metrics.py with scikit-learn and PyTorch. */
export function loadFixture(): MetricsFixture {
  return JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8'));
}

/** logits [N, C] and labels [N] of a fixture case as tensors */
export function caseTensors(c: MetricsCase): { logits: tf.Tensor2D; labels: tf.Tensor1D } {
  return {
    logits: tf.tensor2d(c.logits, [c.labels.length, c.numClasses]),
    labels: tf.tensor1d(c.labels, 'int32'),
  };
}

/**
 * y = x·Wᵀ + b with fixed weights, written against nn.Module + nn.Parameter so these tests do not wait for
 * nn.Linear. It records the training flag and grad mode each forward saw.
 */
export class FixedAffine extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  seen: { training: boolean; grad: boolean }[] = [];
  constructor(weight: number[][], bias?: number[]) {
    super();
    this.weight = new nn.Parameter(tf.tensor2d(weight));
    this.bias = new nn.Parameter(tf.tensor1d(bias ?? new Array(weight.length).fill(0)));
  }
  forward(x: tf.Tensor): tf.Tensor {
    this.seen.push({ training: this.training, grad: isGradEnabled() });
    return tf.add(tf.matMul(x as tf.Tensor2D, this.weight.data, false, true), this.bias.data);
  }
}

export function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** A model with a child, so restoring per-module training flags can be checked. */
export class TwoStage extends nn.Module {
  first: FixedAffine;
  second: FixedAffine;
  constructor(n: number) {
    super();
    this.first = new FixedAffine(identity(n));
    this.second = new FixedAffine(identity(n));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.second.call(this.first.call(x));
  }
}

/** Mean softmax cross-entropy, PyTorch's default reduction, from plain tf ops. */
export function crossEntropy(logits: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits as tf.Tensor2D);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.cast(y, 'int32') as tf.Tensor1D, logits.shape[1]!)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}

/** Per-sample cross-entropy (reduction 'none'). */
export function crossEntropyNone(logits: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits as tf.Tensor2D);
    return tf.neg(
      tf.sum(tf.mul(logp, tf.oneHot(tf.cast(y, 'int32') as tf.Tensor1D, logits.shape[1]!)), 1),
    ) as tf.Tensor1D;
  });
}

/**
 * A DataLoader stand-in: an async iterable yielding fresh [x, y] slices of the given tensors (consumer-owned), and
 * counting how many batches it handed out.
 */
export class SliceLoader implements AsyncIterable<[tf.Tensor, tf.Tensor]> {
  yielded: [tf.Tensor, tf.Tensor][] = [];
  constructor(
    readonly x: tf.Tensor,
    readonly y: tf.Tensor,
    readonly batchSize: number,
  ) {}
  get numBatches(): number {
    return Math.ceil(this.x.shape[0]! / this.batchSize);
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<[tf.Tensor, tf.Tensor]> {
    const n = this.x.shape[0]!;
    for (let start = 0; start < n; start += this.batchSize) {
      const size = Math.min(this.batchSize, n - start);
      const batch: [tf.Tensor, tf.Tensor] = [tf.slice(this.x, start, size), tf.slice(this.y, start, size)];
      this.yielded.push(batch);
      await Promise.resolve();
      yield batch;
    }
  }
}

const READS = ['data', 'dataSync', 'array', 'arraySync', 'bytes', 'buffer', 'bufferSync'] as const;

/**
 * Counts downloads two ways: calls of the tf.Tensor read methods, and reads that reach the engine (engine.read and
 * engine.readSync, which every tensor download goes through on its way to the backend). Backends' own readSync is
 * not counted: wasm's Slice kernel and read() call it internally without leaving the backend. restore() removes
 * the spies.
 */
export function countDownloads(): { tensorReads: () => number; engineReads: () => number; restore: () => void } {
  const spies = READS.map((m) => vi.spyOn(tf.Tensor.prototype, m));
  const engine = tf.engine();
  const readSync = vi.spyOn(engine, 'readSync');
  const read = vi.spyOn(engine, 'read');
  return {
    // array() calls data() and arraySync() dataSync(): an upper bound, exact for code that only calls data/dataSync
    tensorReads: () => spies.reduce((a, s) => a + s.mock.calls.length, 0),
    engineReads: () => readSync.mock.calls.length + read.mock.calls.length,
    restore: () => {
      for (const s of spies) s.mockRestore();
      readSync.mockRestore();
      read.mockRestore();
    },
  };
}

/** Runs fn and asserts it left no tensors behind (fn's own inputs must be created outside it). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  if (tf.memory().numTensors !== before) {
    throw new Error(
      `tensors left behind: ${tf.memory().numTensors - before} (before ${before}, after ${tf.memory().numTensors})`,
    );
  }
  return out;
}
