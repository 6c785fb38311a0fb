import { Generator, tf } from '@trainkit/core';
import { type Collated, defaultCollate } from './collate.js';
import { isMapDataset, type MapDataset } from './dataset.js';
import { RandomSampler, type Sampler, SequentialSampler } from './sampler.js';

export interface DataLoaderOptions<T, B> {
  /** samples per batch (default 1) */
  batchSize?: number;
  /** a fresh random permutation each epoch (default false); excludes `sampler` */
  shuffle?: boolean;
  /** the indices of each epoch, e.g. SubsetRandomSampler; excludes `shuffle` */
  sampler?: Sampler;
  /** drop the last batch when it is smaller than batchSize (default false) */
  dropLast?: boolean;
  /** turns a list of samples into a batch (default: defaultCollate) */
  collate?: (samples: T[]) => B;
  /** the generator shuffling draws from (default: the default generator) */
  generator?: Generator;
  /** shorthand for `generator: new Generator(seed)` */
  seed?: number;
  /** batches built ahead while the caller works on the current one (default 2, like PyTorch's prefetch_factor); 0 builds on demand */
  prefetch?: number;
  /**
   * true (default): the loader owns the batches it yields and disposes each one when the next is requested, when
   * the loop ends, or on `break`; clone (tf.clone) what you keep. false: the caller owns and disposes every batch.
   */
  autoDispose?: boolean;
  /**
   * PyTorch's num_workers: only 0 (the default). Batches are built in this thread, `prefetch` of them ahead while the
   * step runs; tfjs tensors cannot move between worker threads, so a worker pool would have to rebuild every batch
   * from raw bytes on this side, and is not offered rather than accepted and ignored.
   */
  numWorkers?: number;
}

const OPTIONS: readonly string[] = [
  'batchSize',
  'shuffle',
  'sampler',
  'dropLast',
  'collate',
  'generator',
  'seed',
  'prefetch',
  'autoDispose',
  'numWorkers',
];

/** Throws on an option DataLoader does not take, naming it (and its camelCase form for PyTorch's snake_case names). */
function checkOptionNames(options: object): void {
  for (const key of Object.keys(options)) {
    if (OPTIONS.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && OPTIONS.includes(camel) ? ` (PyTorch's ${key} is ${camel} here)` : '';
    throw new Error(`DataLoader: unknown option '${key}'${hint}; the options are ${OPTIONS.join(', ')}`);
  }
}

type Source<T> = MapDataset<T> | AsyncIterable<T> | Iterable<T>;

type Settled<B> = { value: B; done: false } | { done: true } | { error: unknown };

/**
 * Batches a dataset, like torch.utils.data.DataLoader: `for await (const [x, y] of loader)`.
 *
 * Shuffling draws a fresh permutation at the start of every epoch (each `for await`) from `generator` (or
 * `new Generator(seed)`), so the same seed gives the same sequence of epochs. Up to `prefetch` batches are built
 * ahead of the one being used: an asynchronous dataset's reads overlap the caller's training step. Samples are
 * fetched one after another, in order, so random transforms see the same draws whatever the I/O timing.
 *
 * Batch ownership (autoDispose, the default): the tensors of a batch stay valid until the next batch is
 * requested, then the loader disposes them; leaving the loop early (`break`, an exception) disposes the current
 * batch and any prefetched ones. Nothing leaks across epochs.
 */
export class DataLoader<T = unknown, B = Collated<T>> implements AsyncIterable<B> {
  readonly dataset: Source<T>;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly sampler: Sampler | undefined;
  readonly prefetch: number;
  readonly autoDispose: boolean;
  private readonly collateFn: (samples: T[]) => B;

  constructor(dataset: Source<T>, options: DataLoaderOptions<T, B> = {}) {
    checkOptionNames(options);
    if ((options.numWorkers ?? 0) !== 0) {
      throw new Error(
        `DataLoader: numWorkers ${options.numWorkers} is not supported: batches are built in this thread (tfjs tensors cannot move between worker threads); use prefetch (default 2) to build batches ahead while the step runs, or numWorkers 0`,
      );
    }
    this.dataset = dataset;
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) {
      throw new Error(`DataLoader: batchSize should be a positive integer, got ${options.batchSize}`);
    }
    this.dropLast = options.dropLast ?? false;
    this.prefetch = options.prefetch ?? 2;
    if (!Number.isInteger(this.prefetch) || this.prefetch < 0) {
      throw new Error(`DataLoader: prefetch should be a non-negative integer, got ${options.prefetch}`);
    }
    this.autoDispose = options.autoDispose ?? true;
    this.collateFn = options.collate ?? (defaultCollate as unknown as (samples: T[]) => B);
    if (options.generator && options.seed !== undefined) {
      throw new Error('DataLoader: give either generator or seed, not both');
    }
    if (options.sampler && options.shuffle) {
      throw new Error('DataLoader: sampler option is mutually exclusive with shuffle');
    }
    if (isMapDataset<T>(dataset)) {
      if (options.sampler) this.sampler = options.sampler;
      else if (options.shuffle) {
        const generator = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : undefined);
        this.sampler = new RandomSampler(dataset.length, generator ? { generator } : {});
      } else this.sampler = new SequentialSampler(dataset.length);
    } else {
      if (options.shuffle || options.sampler) {
        throw new Error(
          `DataLoader: an iterable dataset cannot be shuffled or sampled; got shuffle=${options.shuffle}, sampler=${options.sampler ? 'given' : 'none'}`,
        );
      }
      this.sampler = undefined;
    }
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.sampler ? this.sampler.length : (this.dataset as { length?: unknown }).length;
    if (typeof n !== 'number')
      throw new TypeError('DataLoader: the iterable dataset has no length, so neither has the loader');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return new LoaderIterator<T, B>(
      this.samples(),
      this.batchSize,
      this.dropLast,
      this.collateFn,
      this.prefetch,
      this.autoDispose,
    );
  }

  // One epoch's samples, in order; for a map-style dataset the sampler draws its permutation here, at the epoch's start.
  private samples(): AsyncIterator<T> | Iterator<T | Promise<T>> {
    if (this.sampler) {
      const dataset = this.dataset as MapDataset<T>;
      const indices = this.sampler[Symbol.iterator]();
      return {
        next: () => {
          const r = indices.next();
          return r.done ? { done: true, value: undefined } : { done: false, value: dataset.getItem(r.value) };
        },
      };
    }
    const ds = this.dataset as AsyncIterable<T> & Iterable<T>;
    if (typeof ds[Symbol.asyncIterator] === 'function') return ds[Symbol.asyncIterator]();
    if (typeof ds[Symbol.iterator] === 'function') return ds[Symbol.iterator]();
    throw new TypeError('DataLoader: dataset must have getItem and length, or be iterable');
  }
}

class LoaderIterator<T, B> implements AsyncIterator<B> {
  private readonly pending: Promise<Settled<B>>[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private current: B | undefined;
  private sourceDone = false;
  private closed = false;

  constructor(
    private readonly source: AsyncIterator<T> | Iterator<T | Promise<T>>,
    private readonly batchSize: number,
    private readonly dropLast: boolean,
    private readonly collateFn: (samples: T[]) => B,
    private readonly prefetch: number,
    private readonly autoDispose: boolean,
  ) {}

  async next(): Promise<IteratorResult<B>> {
    this.releaseCurrent();
    if (this.closed) return { done: true, value: undefined };
    this.fill(1);
    const head = this.pending.shift();
    if (!head) {
      await this.return();
      return { done: true, value: undefined };
    }
    const settled = await head;
    if (this.closed) {
      // return() ran while this batch was being built: nobody will see it
      if (!('error' in settled) && !settled.done) tf.dispose(settled.value as tf.TensorContainer);
      return { done: true, value: undefined };
    }
    if ('error' in settled) {
      await this.return();
      throw settled.error;
    }
    if (settled.done) {
      await this.return();
      return { done: true, value: undefined };
    }
    if (this.autoDispose) this.current = settled.value;
    // Start the next builds now, so they run while the caller works on this batch.
    this.fill(0);
    return { done: false, value: settled.value };
  }

  async return(): Promise<IteratorResult<B>> {
    if (!this.closed) {
      this.closed = true;
      this.releaseCurrent();
      // Batches still being built are disposed when they finish; ask an async source to clean up.
      const pending = this.pending.splice(0);
      for (const p of pending) {
        void p.then((s) => {
          if (!('error' in s) && !s.done) tf.dispose(s.value as tf.TensorContainer);
        });
      }
      const src = this.source as AsyncIterator<T>;
      if (typeof src.return === 'function') {
        try {
          await src.return();
        } catch {
          // the source's own cleanup failing must not hide the error that ended the loop
        }
      }
    }
    return { done: true, value: undefined };
  }

  private releaseCurrent(): void {
    if (this.current !== undefined) {
      tf.dispose(this.current as tf.TensorContainer);
      this.current = undefined;
    }
  }

  // Keeps `extra` + prefetch batches queued. Builds run one after another, each starting as soon as the previous
  // one is done, so an asynchronous dataset's reads are already under way when the caller's step begins.
  private fill(extra: number): void {
    while (!this.sourceDone && !this.closed && this.pending.length < this.prefetch + extra) {
      const p: Promise<Settled<B>> = this.chain.then(() => this.build());
      this.chain = p;
      this.pending.push(p);
      // a build that fails after the loop closed has no reader; keep it from surfacing as an unhandled rejection
      p.catch(() => {});
    }
  }

  private async build(): Promise<Settled<B>> {
    if (this.sourceDone || this.closed) return { done: true };
    try {
      const samples: T[] = [];
      while (samples.length < this.batchSize) {
        let r = this.source.next();
        if (r instanceof Promise) r = await r;
        const res = r as IteratorResult<T | Promise<T>>;
        if (res.done) {
          this.sourceDone = true;
          break;
        }
        const v = res.value;
        samples.push(v instanceof Promise ? await v : v);
      }
      if (samples.length === 0 || (this.dropLast && samples.length < this.batchSize)) return { done: true };
      return { value: this.collateFn(samples), done: false };
    } catch (error) {
      this.sourceDone = true;
      return { error };
    }
  }
}
