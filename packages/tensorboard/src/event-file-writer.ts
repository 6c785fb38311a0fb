import { closeSync, mkdirSync, openSync, readdirSync, write, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EventRecordWriter } from './event-record-writer.js';
import { registerOpenWriter, unregisterOpenWriter } from './exit-hooks.js';
import { eventFileName } from './file-names.js';
import { encodeMessage, pb } from './proto.js';
import { RecordQueue } from './record-queue.js';
import { encodeRecord } from './tfrecord.js';

export interface EventFileWriterOptions {
  /** Queued events before a write is started (PyTorch's max_queue). Default 10. */
  maxQueue?: number;
  /** Longest time, in seconds, an event waits in memory before it is written (PyTorch's flush_secs). Default 120. */
  flushSecs?: number;
  /** Appended to the event file's name. */
  filenameSuffix?: string;
}

/** The `source_metadata.writer` of our files; TensorBoard only logs it. */
export const SOURCE_WRITER = '@trainkit/tensorboard';

interface PendingWrite {
  pos: number;
  bytes: Uint8Array;
  since: number;
  /** Written again synchronously, so the async write's outcome no longer matters. */
  rewritten: boolean;
}

/**
 * Appends TFRecord-framed events to one event file without making the caller wait for the disk.
 *
 * Events are encoded straight into an in-memory queue. When the queue holds more than maxQueue events, or
 * flushSecs have passed since the last write (checked on every event and by an unref'd timer), the queued bytes
 * go to the OS with an asynchronous positional write (the libuv thread pool), one write at a time, whole records
 * only. flush(), close() and process exit write synchronously.
 *
 * Every write is positional (pwrite at an offset assigned when the bytes left the queue), which makes it
 * idempotent: a synchronous flush may write the bytes of an async write that is still out once more, at the same
 * offset, so flush never has to wait for the event loop and never reorders or duplicates records. A kill -9 keeps
 * every record that reached the OS; only events still queued (at most flushSecs old while the event loop runs or
 * events are being logged) are lost, and a record is never half-overwritten.
 */
export class EventFileWriter implements EventRecordWriter {
  readonly logDir: string;
  readonly path: string;
  readonly #maxQueue: number;
  readonly #flushMs: number;
  readonly #fd: number;
  #pos = 0;
  readonly #records = new RecordQueue();
  #inflight: PendingWrite | null = null;
  #nextFlushAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #fdClosed = false;
  #error: Error | undefined;
  #closeWaiters: (() => void)[] = [];

  constructor(logDir: string, options: EventFileWriterOptions = {}) {
    this.logDir = logDir;
    this.#maxQueue = options.maxQueue ?? 10;
    this.#flushMs = (options.flushSecs ?? 120) * 1000;
    if (!(this.#maxQueue >= 0)) throw new RangeError(`maxQueue must be >= 0, got ${options.maxQueue}`);
    if (!(this.#flushMs >= 0)) throw new RangeError(`flushSecs must be >= 0, got ${options.flushSecs}`);
    mkdirSync(logDir, { recursive: true });
    // Named to sort after the directory's other event files, the order TensorBoard reads them in.
    this.path = join(logDir, eventFileName(options.filenameSuffix ?? '', Date.now(), readdirSync(logDir)));
    this.#fd = openSync(this.path, 'wx');
    registerOpenWriter(this);
    // TensorBoard identifies the file format by this first record; writing it at once means an empty run shows up.
    const header = encodeRecord(
      encodeMessage(pb.Event, {
        wallTime: Date.now() / 1000,
        fileVersion: 'brain.Event:2',
        sourceMetadata: { writer: SOURCE_WRITER },
      }),
    );
    try {
      writeFully(this.#fd, header, 0, this.path);
    } catch (err) {
      // no writer to close later: release the file now (a full disk must not keep it open)
      unregisterOpenWriter(this);
      this.#fdClosed = true;
      closeSync(this.#fd);
      throw err;
    }
    this.#pos = header.length;
    // The first summaries are written as soon as they come ("nothing was written" is the classic complaint).
    this.#nextFlushAt = 0;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The queue buffer; valid until the next beginRecord. */
  get buffer(): Uint8Array {
    return this.#records.buffer;
  }

  get view(): DataView {
    return this.#records.view;
  }

  /** Events queued in memory, not yet handed to the OS. */
  get queued(): number {
    return this.#records.count;
  }

  /**
   * Makes room for a record of at most maxDataBytes and returns the offset in `buffer` where its data goes.
   * Call endRecord with the real length after writing the data there.
   */
  beginRecord(maxDataBytes: number): number {
    this.#check();
    return this.#records.begin(maxDataBytes);
  }

  endRecord(dataBytes: number): void {
    this.#records.end(dataBytes);
    this.#afterQueue();
  }

  /** Queues one serialized Event. */
  writeEvent(data: Uint8Array): void {
    const at = this.beginRecord(data.length);
    this.#records.buffer.set(data, at);
    this.endRecord(data.length);
  }

  /** Hands everything queued to the OS now, synchronously, like PyTorch's flush(). */
  flush(): void {
    if (this.#fdClosed) return;
    const w = this.#inflight;
    if (w && !w.rewritten) {
      writeFully(this.#fd, w.bytes, w.pos, this.path);
      w.rewritten = true;
    }
    if (this.#records.bytes > 0) {
      const bytes = this.#records.take();
      writeFully(this.#fd, bytes, this.#pos, this.path);
      this.#pos += bytes.length;
    }
    this.#nextFlushAt = Date.now() + this.#flushMs;
    const err = this.#error;
    if (err) {
      this.#error = undefined;
      throw new Error(`writing event file ${this.path} failed: ${err.message}`, { cause: err });
    }
  }

  /** flush(): the local file is written when it returns. */
  async flushed(): Promise<void> {
    this.flush();
  }

  /** Flushes and closes the file. The returned promise resolves once the file descriptor is closed. */
  close(): Promise<void> {
    if (!this.#closed) {
      // A failed flush (a full disk) still closes the file: its error is thrown once the descriptor is released.
      let failure: unknown;
      try {
        this.flush();
      } catch (err) {
        failure = err;
      }
      this.#closed = true;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      unregisterOpenWriter(this);
      if (!this.#inflight) this.#closeFd();
      if (failure !== undefined)
        return this.#fdReleased().then(() => {
          throw failure;
        });
    }
    return this.#fdReleased();
  }

  #fdReleased(): Promise<void> {
    if (this.#fdClosed) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  #check(): void {
    if (this.#closed) throw new Error(`event file ${this.path} is closed`);
    if (this.#error) {
      const err = this.#error;
      this.#error = undefined;
      throw new Error(`writing event file ${this.path} failed: ${err.message}`, { cause: err });
    }
  }

  #afterQueue(): void {
    const now = Date.now();
    const w = this.#inflight;
    if (w) {
      // Its callback starts the next write; it not having come for flushSecs means the event loop is blocked.
      if (now - w.since >= this.#flushMs) this.flush();
      return;
    }
    if (this.#records.count > this.#maxQueue || now >= this.#nextFlushAt) this.#submit(now);
    else this.#armTimer(now);
  }

  #armTimer(now: number): void {
    if (this.#timer || this.#records.bytes === 0 || this.#closed) return;
    this.#timer = setTimeout(() => this.#onTimer(), Math.max(0, this.#nextFlushAt - now));
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.#records.bytes === 0 || this.#closed) return;
    const now = Date.now();
    if (!this.#inflight) this.#submit(now);
    else if (now - this.#inflight.since >= this.#flushMs) this.flush();
  }

  #submit(now: number): void {
    const bytes = this.#records.take();
    const w: PendingWrite = { pos: this.#pos, bytes, since: now, rewritten: false };
    this.#pos += bytes.length;
    this.#inflight = w;
    this.#nextFlushAt = now + this.#flushMs;
    this.#writeAsync(w, 0);
  }

  #writeAsync(w: PendingWrite, done: number): void {
    write(this.#fd, w.bytes, done, w.bytes.length - done, w.pos + done, (err, n) => {
      if (!w.rewritten) {
        if (err) this.#error ??= err;
        else if (done + n < w.bytes.length) return this.#writeAsync(w, done + n);
      }
      this.#inflight = null;
      if (this.#closed) return this.#closeFd();
      if (this.#records.bytes === 0) return;
      const now = Date.now();
      if (this.#records.count > this.#maxQueue || now >= this.#nextFlushAt) this.#submit(now);
      else this.#armTimer(now);
    });
  }

  #closeFd(): void {
    if (this.#fdClosed) return;
    this.#fdClosed = true;
    closeSync(this.#fd);
    for (const resolve of this.#closeWaiters.splice(0)) resolve();
  }
}

function writeFully(fd: number, bytes: Uint8Array, pos: number, path: string): void {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done, pos + done);
    } catch (err) {
      throw new Error(`writing event file ${path} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}
