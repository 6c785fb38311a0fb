import { EMA } from './ema.js';
import { dispLen, formatMeter, formatNum } from './format-meter.js';
import { isStdStream, moveTo, type ProgressStream } from './progress-stream.js';

export type PostfixValue = number | string | boolean | bigint | { toString(): string };

export interface ProgressOptions {
  /** Text before the bar; ': ' is added. */
  desc?: string;
  /** Expected iterations; by default the input's `length` or `size`. Unknown: counts and rate only. */
  total?: number;
  /** Keep the finished bar on screen (default true); null keeps it only at position 0, as tqdm's leave=None. */
  leave?: boolean | null;
  /** Line offset for nested bars (0 = top); by default the first free one. */
  position?: number;
  /** Word after the counts and in the rate (default 'it'). */
  unit?: string;
  /** true: SI prefixes (1.23k); a number: multiply counts and rate by it. */
  unitScale?: boolean | number;
  unitDivisor?: number;
  /** Minimum seconds between redraws on a terminal (default 0.1). */
  mininterval?: number;
  /** Minimum seconds between plain lines off a terminal (default 10). */
  minintervalNonTty?: number;
  /** Weight of the newest speed in the rate's moving average, 0 (overall average) to 1 (instantaneous); 0.3. */
  smoothing?: number;
  /** Line width; on a terminal its width by default. */
  ncols?: number;
  /** ASCII meter ('#') or a custom charset instead of unicode blocks. */
  ascii?: boolean | string;
  postfix?: Record<string, PostfixValue> | string;
  /** Starting counter value. */
  initial?: number;
  /** Where to draw (default process.stderr). */
  stream?: ProgressStream;
  /** Force terminal (true) or plain-line (false) output instead of asking the stream. */
  tty?: boolean;
  /** No output at all; iteration passes through. */
  disable?: boolean;
  /** Seconds from an arbitrary origin; tests inject a fake clock. */
  clock?: () => number;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

const active = new Set<ProgressBar<unknown>>();

const defaultClock = () => performance.now() / 1000;

function lengthOf(x: unknown): number | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  const o = x as { length?: unknown; size?: unknown };
  if (typeof o.length === 'number') return o.length;
  if (typeof o.size === 'number') return o.size;
  return undefined;
}

/**
 * A tqdm-style progress bar around an iterable (sync or async) or a manual counter. On a terminal it redraws in
 * place (\r, and cursor-up moves for nested bars at other positions); elsewhere (CI logs, files) it prints a plain
 * line at most every `minintervalNonTty` seconds and a final line on close, with no escape codes at all.
 */
export class ProgressBar<T = unknown> implements Iterable<T>, AsyncIterable<T> {
  n: number;
  total: number | undefined;
  desc: string;
  postfix = '';
  readonly unit: string;
  readonly stream: ProgressStream;
  readonly tty: boolean;
  readonly leave: boolean | null;
  readonly #iterable: Source<T> | undefined;
  readonly #clock: () => number;
  readonly #opts: ProgressOptions;
  #pos: number;
  #closed: boolean;
  #lastLen = 0;
  #lastPrintN: number;
  #lastPrintT: number;
  #startT: number;
  #emaDn: EMA;
  #emaDt: EMA;
  #averageRate = false;

  constructor(iterable?: Source<T>, options: ProgressOptions = {}) {
    this.#iterable = iterable;
    this.#opts = options;
    this.#clock = options.clock ?? defaultClock;
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? Boolean(this.stream.isTTY);
    this.total = options.total ?? lengthOf(iterable);
    if (this.total === Number.POSITIVE_INFINITY) this.total = undefined;
    this.desc = options.desc ?? '';
    this.unit = options.unit ?? 'it';
    this.leave = options.leave === undefined ? true : options.leave;
    this.n = options.initial ?? 0;
    this.#lastPrintN = this.n;
    const smoothing = options.smoothing ?? 0.3;
    this.#emaDn = new EMA(smoothing);
    this.#emaDt = new EMA(smoothing);
    this.#closed = options.disable === true;
    this.#pos = options.position ?? ProgressBar.#freePosition();
    if (options.postfix !== undefined) {
      if (typeof options.postfix === 'string') this.postfix = options.postfix;
      else this.setPostfix(options.postfix, false);
    }
    if (!this.#closed) active.add(this as ProgressBar<unknown>);
    this.#startT = this.#lastPrintT = this.#clock();
    if (this.tty) this.refresh();
  }

  static #freePosition(): number {
    const taken = new Set([...active].map((b) => b.position));
    let p = 0;
    while (taken.has(p)) p++;
    return p;
  }

  /** The line this bar is drawn on, counted down from the first bar. */
  get position(): number {
    return this.#pos;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Seconds since the bar started. */
  get elapsed(): number {
    return this.#clock() - this.#startT;
  }

  /** Smoothed iterations per second, or undefined before the first measured interval. */
  get rate(): number | undefined {
    if (this.#averageRate) return undefined;
    const dt = this.#emaDt.value;
    return dt ? this.#emaDn.value / dt : undefined;
  }

  get #interval(): number {
    return this.tty ? (this.#opts.mininterval ?? 0.1) : (this.#opts.minintervalNonTty ?? 10);
  }

  /** The bar's current line, as tqdm's str(bar). */
  toString(): string {
    const o = this.#opts;
    return formatMeter({
      n: this.n,
      total: this.total,
      elapsed: this.elapsed,
      ncols: o.ncols ?? (this.tty ? this.stream.columns : undefined),
      prefix: this.desc,
      ascii: o.ascii ?? false,
      unit: this.unit,
      unitScale: o.unitScale ?? false,
      rate: this.rate,
      postfix: this.postfix,
      unitDivisor: o.unitDivisor ?? 1000,
      initial: o.initial ?? 0,
    });
  }

  /** Adds `n` to the counter; redraws when the minimum interval has passed. Returns whether it redrew. */
  update(n = 1): boolean {
    if (this.#closed) return false;
    if (n < 0) this.#lastPrintN += n;
    this.n += n;
    const now = this.#clock();
    const dt = now - this.#lastPrintT;
    if (dt < this.#interval) return false;
    const dn = this.n - this.#lastPrintN;
    if (this.#emaDn.smoothing && dt && dn) {
      this.#emaDn.update(dn);
      this.#emaDt.update(dt);
    }
    this.refresh();
    this.#lastPrintN = this.n;
    this.#lastPrintT = now;
    return true;
  }

  /** Redraws now (on a terminal) or prints the current line (elsewhere). */
  refresh(): void {
    if (this.#closed) return;
    this.#display();
  }

  #display(msg?: string, pos = this.#pos): boolean {
    if (!this.tty) {
      this.stream.write(`${msg ?? this.toString()}\n`);
      return true;
    }
    const nrows = this.stream.rows || 20;
    let text = msg ?? this.toString();
    if (pos >= nrows - 1) {
      if (pos >= nrows) return false;
      if (msg === undefined || msg) text = ' ... (more hidden) ...';
    }
    const len = dispLen(text);
    const pad = ' '.repeat(Math.max(this.#lastLen - len, 0));
    this.#lastLen = len;
    this.stream.write(`${moveTo(pos)}\r${text}${pad}${moveTo(-pos)}`);
    return true;
  }

  /** Erases the bar's line (terminal only); refresh() draws it again. */
  clear(): void {
    if (this.#closed || !this.tty) return;
    const pos = this.#pos;
    if (pos < (this.stream.rows || 20)) {
      this.stream.write(`${moveTo(pos)}\r${' '.repeat(this.#lastLen)}\r${moveTo(-pos)}`);
      this.#lastLen = 0;
    }
  }

  /** Sets the description ('epoch 2' is shown as 'epoch 2: '). */
  setDescription(desc?: string, refresh = true): void {
    this.desc = desc ? `${desc}: ` : '';
    if (refresh && this.tty) this.refresh();
  }

  /** Sets the description without adding ': '. */
  setDescriptionStr(desc?: string, refresh = true): void {
    this.desc = desc ?? '';
    if (refresh && this.tty) this.refresh();
  }

  /**
   * Shows `key=value` pairs after the rate, numbers in tqdm's format_num ('.3g' unless plain is shorter):
   * setPostfix({ loss: 0.5123, acc: 0.9 }) shows `loss=0.512, acc=0.9`. Keys keep their insertion order.
   */
  setPostfix(values: Record<string, PostfixValue>, refresh = true): void {
    const parts = Object.entries(values).map(([k, v]) => {
      const s = typeof v === 'number' ? formatNum(v) : String(v);
      return `${k}=${s.trim()}`;
    });
    this.postfix = parts.join(', ');
    if (refresh && this.tty) this.refresh();
  }

  setPostfixStr(s = '', refresh = true): void {
    this.postfix = s;
    if (refresh && this.tty) this.refresh();
  }

  /** Starts counting again from 0 (optionally with a new total), keeping the bar on screen. */
  reset(total?: number): void {
    this.n = 0;
    if (total !== undefined) this.total = total;
    if (this.#closed) return;
    this.#lastPrintN = 0;
    this.#lastPrintT = this.#startT = this.#clock();
    const smoothing = this.#emaDn.smoothing;
    this.#emaDn = new EMA(smoothing);
    this.#emaDt = new EMA(smoothing);
    if (this.tty) this.refresh();
  }

  /**
   * Finishes the bar: the final line (with the overall average rate) stays when `leave`, otherwise it is erased.
   * Off a terminal the final line is always printed. Iterating to the end, break and throw all close the bar.
   */
  close(): void {
    if (this.#closed) return;
    const pos = this.#pos;
    const leave = this.leave === null ? pos === 0 : this.leave;
    if (!this.tty) {
      this.#averageRate = true;
      this.#display();
    } else if (leave) {
      this.#averageRate = true;
      this.#display(undefined, 0);
      this.stream.write('\n');
    } else if (this.#display('', pos) && !pos) this.stream.write('\r');
    this.#closed = true;
    active.delete(this as ProgressBar<unknown>);
  }

  /** Prints `msg` above the bars on this bar's stream without breaking them. */
  write(msg: string, end = '\n'): void {
    ProgressBar.write(msg, { stream: this.stream, end });
  }

  /**
   * Prints `msg` without breaking the bars, like tqdm.write: bars drawn on the same terminal are cleared, the
   * message written, and the bars drawn again below it. Default stream: process.stdout, as console.log.
   */
  static write(msg: string, options: { stream?: ProgressStream; end?: string } = {}): void {
    const stream = options.stream ?? process.stdout;
    const cleared = [...active].filter(
      (b) => b.tty && (b.stream === stream || (isStdStream(b.stream) && isStdStream(stream))),
    );
    cleared.sort((a, b) => a.position - b.position);
    for (const b of cleared) b.clear();
    stream.write(msg + (options.end ?? '\n'));
    for (const b of cleared) b.refresh();
  }

  *[Symbol.iterator](): Iterator<T> {
    const it = this.#iterable;
    if (!it || !(Symbol.iterator in it)) {
      throw new TypeError(
        it
          ? 'progress: the input is only async-iterable; use `for await`'
          : 'progress: no iterable to iterate (manual bar)',
      );
    }
    try {
      for (const x of it) {
        yield x;
        this.update(1);
      }
    } finally {
      this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const it = this.#iterable;
    if (!it) throw new TypeError('progress: no iterable to iterate (manual bar)');
    try {
      for await (const x of it) {
        yield x;
        this.update(1);
      }
    } finally {
      this.close();
    }
  }
}

/** Options for a manual bar: `progress({ total: 100 })`, then update() and close(). */
export type ManualProgressOptions = ProgressOptions & { total: number };

/**
 * Wraps an iterable or async iterable in a progress bar, like tqdm(iterable):
 * `for await (const batch of progress(loader, { desc: 'epoch 1', unit: 'batch' })) { ... }`.
 * With only options (`progress({ total: 1000 })`) it is a manual bar driven by update(n).
 */
export function progress<T>(iterable: Iterable<T> | AsyncIterable<T>, options?: ProgressOptions): ProgressBar<T>;
export function progress(options: ManualProgressOptions): ProgressBar<never>;
export function progress<T>(
  source: Iterable<T> | AsyncIterable<T> | ManualProgressOptions,
  options: ProgressOptions = {},
): ProgressBar<T> {
  const iterable =
    typeof source === 'object' && source !== null && (Symbol.iterator in source || Symbol.asyncIterator in source);
  if (iterable) return new ProgressBar(source as Source<T>, options);
  return new ProgressBar<T>(undefined, { ...(source as ManualProgressOptions), ...options });
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** progress over 0..n-1, as tqdm's trange. */
export function trange(n: number, options: ProgressOptions = {}): ProgressBar<number> {
  return new ProgressBar(range(n), { total: n, ...options });
}
