import { SOURCE_WRITER } from './event-file-writer.js';
import type { EventRecordWriter } from './event-record-writer.js';
import { registerOpenWriter, unregisterOpenWriter } from './exit-hooks.js';
import { eventFileName } from './file-names.js';
import { encodeMessage, pb } from './proto.js';
import { RecordQueue } from './record-queue.js';
import { gfile, joinPath } from './storage/gfile.js';
import { s3Client } from './storage/s3-client.js';
import { parseS3Url } from './storage/s3-url.js';
import { encodeRecord } from './tfrecord.js';

export interface S3EventFileWriterOptions {
  /** Longest time, in seconds, an event waits in memory before it is uploaded (PyTorch's flush_secs). Default 120. */
  flushSecs?: number;
  /** Appended to the event file names. */
  filenameSuffix?: string;
}

// Wide enough that the parts of a run flushing every second for a year still sort by their number.
const PART_DIGITS = 8;

/**
 * Writes one run's events to an `s3://bucket/prefix` log dir as a series of whole objects, one per flush window:
 * `events.out.tfevents.<secs>.<host>.<pid>.<n>.<part, 8 digits><suffix>`. S3 has no append, so a growing file would
 * have to be uploaded whole at every flush; here each flush uploads only the events queued since the last one, as a
 * complete event file of its own (a file_version record, then the events), with a single PUT, so an object is
 * either there whole or not at all.
 *
 * The parts of a writer sort by name in the order they were written, and are uploaded one at a time in that order:
 * TensorBoard's directory watcher reads a run's event files in name order and moves on to the next file only when it
 * exists, which for a part means the previous one is complete; the reader of this package reads them in the same
 * order. A crash (kill -9) loses only the events not yet uploaded: those of the last flush window (flushSecs), or
 * since the last flush() or flushed().
 *
 * Uploads run in the background; flush() starts one and returns, flushed() and close() wait for them, and an
 * upload's failure is thrown by the next call. Unlike a local event file, the number of queued events (maxQueue)
 * does not start an upload: that would make an object every few events.
 */
export class S3EventFileWriter implements EventRecordWriter {
  readonly logDir: string;
  readonly #flushMs: number;
  readonly #suffix: string;
  #base: string;
  #part = 0;
  readonly #records = new RecordQueue();
  #nextFlushAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #error: Error | undefined;
  /** The uploads, chained so that parts appear in order; never rejects (failures go to #error). */
  #uploads: Promise<void>;

  constructor(logDir: string, options: S3EventFileWriterOptions = {}) {
    parseS3Url(logDir);
    this.logDir = logDir.replace(/\/+$/, '');
    this.#flushMs = (options.flushSecs ?? 120) * 1000;
    if (!(this.#flushMs >= 0)) throw new RangeError(`flushSecs must be >= 0, got ${options.flushSecs}`);
    this.#suffix = options.filenameSuffix ?? '';
    const started = Date.now();
    this.#base = eventFileName('', started);
    // Named after the log dir's event files, as locally (see eventFileName): known once the prefix is listed.
    this.#uploads = gfile
      .listdir(this.logDir)
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [];
        throw err;
      })
      .then((entries) => {
        const names = entries.map((e) => e.name);
        if (names.some((n) => n.includes('tfevents'))) this.#base = eventFileName('', started, names);
      })
      .catch((err) => {
        this.#error ??= err;
      });
    registerOpenWriter(this);
    // The first part holds only the file_version record, so that a new run shows up at once, as a local one does.
    this.#upload(new Uint8Array(0));
  }

  /** The first object of this writer's series (the others differ in the part number). */
  get path(): string {
    return this.#partUrl(0);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get buffer(): Uint8Array {
    return this.#records.buffer;
  }

  get view(): DataView {
    return this.#records.view;
  }

  get queued(): number {
    return this.#records.count;
  }

  beginRecord(maxDataBytes: number): number {
    this.#check();
    return this.#records.begin(maxDataBytes);
  }

  endRecord(dataBytes: number): void {
    this.#records.end(dataBytes);
    const now = Date.now();
    if (now >= this.#nextFlushAt) this.#flushQueue();
    else this.#armTimer(now);
  }

  writeEvent(data: Uint8Array): void {
    const at = this.beginRecord(data.length);
    this.#records.buffer.set(data, at);
    this.endRecord(data.length);
  }

  /** Starts uploading what is queued as the next part (nothing when nothing is queued); see flushed(). */
  flush(): void {
    this.#flushQueue();
    this.#throwError();
  }

  #flushQueue(): void {
    if (this.#records.bytes > 0) this.#upload(this.#records.take());
    this.#nextFlushAt = Date.now() + this.#flushMs;
  }

  /** flush(), then waits until every part so far is uploaded; rejects if an upload failed. */
  async flushed(): Promise<void> {
    this.flush();
    await this.#uploads;
    this.#throwError();
  }

  /** What the exit hooks wait for on SIGINT/SIGTERM before the process ends. */
  settle(): Promise<void> {
    return this.#uploads;
  }

  /** Uploads what is queued and waits for every upload; rejects if one failed. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.flush();
      this.#closed = true;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      unregisterOpenWriter(this);
    }
    await this.#uploads;
    this.#throwError();
  }

  #partUrl(part: number): string {
    return joinPath(this.logDir, `${this.#base}.${String(part).padStart(PART_DIGITS, '0')}${this.#suffix}`);
  }

  #upload(events: Uint8Array): void {
    const part = this.#part++;
    const header = encodeRecord(
      encodeMessage(pb.Event, {
        wallTime: Date.now() / 1000,
        fileVersion: 'brain.Event:2',
        sourceMetadata: { writer: SOURCE_WRITER },
      }),
    );
    const body = new Uint8Array(header.length + events.length);
    body.set(header, 0);
    body.set(events, header.length);
    // A failed part leaves a gap in the numbers, which readers pass over; the parts after it are still uploaded.
    this.#uploads = this.#uploads.then(async () => {
      const url = this.#partUrl(part);
      const { bucket, key } = parseS3Url(url);
      try {
        const { sdk, client } = await s3Client();
        await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      } catch (err) {
        this.#error ??= new Error(`uploading event file ${url} failed: ${(err as Error).message}`, { cause: err });
      }
    });
  }

  #armTimer(now: number): void {
    if (this.#timer || this.#records.bytes === 0 || this.#closed) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (!this.#closed) this.#flushQueue();
      },
      Math.max(0, this.#nextFlushAt - now),
    );
    this.#timer.unref();
  }

  #check(): void {
    if (this.#closed) throw new Error(`event file ${this.path} is closed`);
    this.#throwError();
  }

  #throwError(): void {
    const err = this.#error;
    if (err) {
      this.#error = undefined;
      throw err;
    }
  }
}
