import { decodeMessage, type EventProto, pb } from './proto.js';
import { type RecordIssue, readRecords } from './record-reader.js';
import { gfile } from './storage/gfile.js';

export interface EventFileContents {
  file: string;
  /** Every event before the first unreadable record, in file order. */
  events: EventProto[];
  /** Byte offset of each event's record. */
  offsets: number[];
  /** Why reading stopped early: a truncated last record (a live or crashed writer), a CRC mismatch, a bad proto. */
  issue?: RecordIssue;
}

/** Decodes the events of an event file's bytes, verifying both CRCs of every record. */
export function parseEventFile(buf: Uint8Array, file = '<buffer>'): EventFileContents {
  const { records, offsets, issue } = readRecords(buf, file);
  const events: EventProto[] = [];
  for (let i = 0; i < records.length; i++) {
    try {
      events.push(decodeMessage<EventProto>(pb.Event, records[i]!));
    } catch (err) {
      const offset = offsets[i]!;
      return {
        file,
        events,
        offsets: offsets.slice(0, i),
        issue: {
          kind: 'bad-event',
          file,
          offset,
          message: `${file}: record at byte offset ${offset}: CRCs match but it is no Event proto (${(err as Error).message})`,
        },
      };
    }
  }
  return issue ? { file, events, offsets, issue } : { file, events, offsets };
}

/** Reads one event file, a local one or an s3:// object (see parseEventFile). */
export async function readEvents(file: string): Promise<EventFileContents> {
  return parseEventFile(await gfile.readFile(file), file);
}
