import { varintSize, writeVarint } from './varint.js';

const utf8 = new TextEncoder();
const MAX_CACHED_TAGS = 10_000;

/**
 * Encodes `Event { wall_time, step, summary { value { tag, simple_value } } }` by hand, the event a training loop
 * writes most. Byte for byte what protobufjs (and PyTorch's protobuf) produce: fields in number order, step left
 * out when 0 (proto3). It is ~5x faster than the generic encoder, and the tag's bytes are encoded once per tag.
 */
export class ScalarEventEncoder {
  readonly #tags = new Map<string, Uint8Array>();

  /** The `Summary.Value.tag` field (key, length, UTF-8) for a tag. */
  tagField(tag: string): Uint8Array {
    let f = this.#tags.get(tag);
    if (!f) {
      const bytes = utf8.encode(tag);
      f = new Uint8Array(1 + varintSize(bytes.length) + bytes.length);
      f[0] = 0x0a;
      f.set(bytes, writeVarint(f, 1, bytes.length));
      if (this.#tags.size >= MAX_CACHED_TAGS) this.#tags.clear();
      this.#tags.set(tag, f);
    }
    return f;
  }

  /** Upper bound of the encoded size for a tag field. */
  maxBytes(tagField: Uint8Array): number {
    return 9 + 11 + 2 * 6 + tagField.length + 5;
  }

  /** Writes the event at buf[at] and returns its length. `step` must be an integer. */
  encode(
    buf: Uint8Array,
    view: DataView,
    at: number,
    wallTime: number,
    step: number,
    value: number,
    tagField: Uint8Array,
  ): number {
    let p = at;
    buf[p] = 0x09; // field 1 wall_time, fixed64
    view.setFloat64(p + 1, wallTime, true);
    p += 9;
    if (step !== 0) {
      buf[p++] = 0x10; // field 2 step, varint
      p = writeVarint(buf, p, step);
    }
    const valueLen = tagField.length + 5;
    const summaryLen = 1 + varintSize(valueLen) + valueLen;
    buf[p++] = 0x2a; // field 5 summary, length-delimited
    p = writeVarint(buf, p, summaryLen);
    buf[p++] = 0x0a; // Summary field 1 value, length-delimited
    p = writeVarint(buf, p, valueLen);
    buf.set(tagField, p); // Value field 1 tag
    p += tagField.length;
    buf[p] = 0x15; // Value field 2 simple_value, fixed32
    view.setFloat32(p + 1, value, true);
    return p + 5 - at;
  }
}
