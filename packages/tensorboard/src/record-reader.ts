import { maskedCrc32c } from './crc32c.js';
import { RECORD_FOOTER_BYTES, RECORD_HEADER_BYTES } from './tfrecord.js';

/** Why reading stopped before the end of a file. Everything before `offset` was read and verified. */
export interface RecordIssue {
  kind: 'truncated' | 'bad-length-crc' | 'bad-data-crc' | 'bad-event';
  /** The file, as given to the reader. */
  file: string;
  /** Byte offset of the record that could not be read. */
  offset: number;
  message: string;
}

export interface RecordsRead {
  /** The data of every valid record, in file order (views into the input buffer). */
  records: Uint8Array[];
  /** Byte offset of each record's header. */
  offsets: number[];
  /** Set when a record could not be read; reading stops there. */
  issue?: RecordIssue;
}

/**
 * Splits a TFRecord file into records, checking both CRCs of each. Stops at the first record that is truncated
 * (a writer still appending, or a crash mid-write) or corrupt, and reports it with the file and byte offset.
 */
export function readRecords(buf: Uint8Array, file = '<buffer>'): RecordsRead {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: Uint8Array[] = [];
  const offsets: number[] = [];
  let pos = 0;
  const stop = (kind: RecordIssue['kind'], detail: string): RecordsRead => ({
    records,
    offsets,
    issue: { kind, file, offset: pos, message: `${file}: record at byte offset ${pos}: ${detail}` },
  });
  while (pos < buf.length) {
    const left = buf.length - pos;
    if (left < RECORD_HEADER_BYTES) {
      return stop('truncated', `truncated header: expected ${RECORD_HEADER_BYTES} bytes, the file has ${left} left`);
    }
    const lengthCrc = view.getUint32(pos + 8, true);
    const expectedLengthCrc = maskedCrc32c(buf, pos, pos + 8);
    if (lengthCrc !== expectedLengthCrc) {
      return stop(
        'bad-length-crc',
        `length CRC mismatch: stored ${hex(lengthCrc)}, computed ${hex(expectedLengthCrc)}`,
      );
    }
    const length = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 0x100000000;
    const need = RECORD_HEADER_BYTES + length + RECORD_FOOTER_BYTES;
    if (left < need) {
      return stop(
        'truncated',
        `truncated record: header says ${length} data bytes (${need} in all), the file has ${left} left`,
      );
    }
    const dataStart = pos + RECORD_HEADER_BYTES;
    const dataEnd = dataStart + length;
    const dataCrc = view.getUint32(dataEnd, true);
    const expectedDataCrc = maskedCrc32c(buf, dataStart, dataEnd);
    if (dataCrc !== expectedDataCrc) {
      return stop('bad-data-crc', `data CRC mismatch: stored ${hex(dataCrc)}, computed ${hex(expectedDataCrc)}`);
    }
    records.push(buf.subarray(dataStart, dataEnd));
    offsets.push(pos);
    pos += need;
  }
  return { records, offsets };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
