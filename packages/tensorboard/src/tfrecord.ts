import { maskedCrc32c } from './crc32c.js';

/**
 * TFRecord framing, one record:
 *   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data
 */
export const RECORD_HEADER_BYTES = 12;
export const RECORD_FOOTER_BYTES = 4;
export const RECORD_OVERHEAD_BYTES = RECORD_HEADER_BYTES + RECORD_FOOTER_BYTES;

/**
 * Frames the `length` data bytes already placed at out[offset + 12 ...]: writes the header before them and the
 * footer after them. Returns the offset just past the record. Lets callers encode straight into the output buffer.
 */
export function frameRecordInPlace(out: Uint8Array, offset: number, length: number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(offset, length % 0x100000000, true);
  view.setUint32(offset + 4, Math.floor(length / 0x100000000), true);
  view.setUint32(offset + 8, maskedCrc32c(out, offset, offset + 8), true);
  const dataStart = offset + RECORD_HEADER_BYTES;
  const dataEnd = dataStart + length;
  view.setUint32(dataEnd, maskedCrc32c(out, dataStart, dataEnd), true);
  return dataEnd + RECORD_FOOTER_BYTES;
}

/** One framed record holding `data`. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + RECORD_OVERHEAD_BYTES);
  out.set(data, RECORD_HEADER_BYTES);
  frameRecordInPlace(out, 0, data.length);
  return out;
}
