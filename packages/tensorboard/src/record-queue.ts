import { frameRecordInPlace, RECORD_HEADER_BYTES, RECORD_OVERHEAD_BYTES } from './tfrecord.js';

const INITIAL_BYTES = 64 * 1024;

/**
 * The framed records an event writer holds in memory until it writes them out (to a file or an object): one growable
 * buffer that SummaryWriter encodes each event straight into (beginRecord → write at the offset → endRecord), framed
 * in place with TFRecord's lengths and CRCs, and taken whole by take().
 */
export class RecordQueue {
  #buffer = new Uint8Array(INITIAL_BYTES);
  #view = new DataView(this.#buffer.buffer);
  #used = 0;
  #count = 0;
  #recordStart = -1;

  /** The buffer; valid until the next begin. */
  get buffer(): Uint8Array {
    return this.#buffer;
  }

  get view(): DataView {
    return this.#view;
  }

  /** Records queued. */
  get count(): number {
    return this.#count;
  }

  /** Bytes queued. */
  get bytes(): number {
    return this.#used;
  }

  /** Makes room for a record of at most maxDataBytes and returns the offset in `buffer` where its data goes. */
  begin(maxDataBytes: number): number {
    const need = this.#used + maxDataBytes + RECORD_OVERHEAD_BYTES;
    if (need > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(need, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#used));
      this.#buffer = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#recordStart = this.#used;
    return this.#used + RECORD_HEADER_BYTES;
  }

  /** Frames the record begun last, whose data is `dataBytes` long. */
  end(dataBytes: number): void {
    if (this.#recordStart < 0) throw new Error('endRecord without beginRecord');
    this.#used = frameRecordInPlace(this.#buffer, this.#recordStart, dataBytes);
    this.#recordStart = -1;
    this.#count++;
  }

  /** The queued records as one copy, leaving the queue empty (and small again after a burst). */
  take(): Uint8Array {
    const bytes = this.#buffer.slice(0, this.#used);
    if (this.#buffer.length > 4 * INITIAL_BYTES) {
      this.#buffer = new Uint8Array(INITIAL_BYTES);
      this.#view = new DataView(this.#buffer.buffer);
    }
    this.#used = 0;
    this.#count = 0;
    return bytes;
  }
}
