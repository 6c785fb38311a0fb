import { describe, expect, it } from 'vitest';
import { parseEventFile } from '../src/event-reader.js';
import { decodeMessage, encodeMessage, pb, type TensorProtoObject } from '../src/proto.js';
import { readRecords } from '../src/record-reader.js';
import { tensorValues } from '../src/run-loader.js';
import { encodeRecord } from '../src/tfrecord.js';

// Two records of an event file written by TensorFlow itself (`tf.summary.scalar("accuracy", 0.99, step=77)`),
// byte for byte as TensorBoard's rustboard tests quote them (tensorboard/data/server/tf_record.rs). None of these
// bytes comes from our encoder.
const hex = (s: string): number[] =>
  s
    .split(/\s+/)
    .filter(Boolean)
    .map((b) => Number.parseInt(b, 16));
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const RECORD_1_DATA = [...hex('09 00 00 80 38 99 d6 d7 41 1a 0d'), ...ascii('brain.Event:2')];
const RECORD_1 = Uint8Array.from([
  ...hex('18 00 00 00 00 00 00 00'), // length 24
  ...hex('a3 7f 4b 22'), // masked CRC of the length
  ...RECORD_1_DATA,
  ...hex('12 4b 36 ab'), // masked CRC of the data
]);
const RECORD_2_DATA = [
  ...hex('09 c4 05 b7 3d 99 d6 d7 41'),
  ...hex('10 4d'),
  ...hex('2a 25'),
  ...hex('0a 23 0a 08'),
  ...ascii('accuracy'),
  ...hex('42 0a 08 01 12 00 22 04 a4 70 7d 3f 4a 0b 0a 09 0a 07'),
  ...ascii('scalars'),
];
const RECORD_2 = Uint8Array.from([
  ...hex('32 00 00 00 00 00 00 00 24 19 56 ec'),
  ...RECORD_2_DATA,
  ...hex('a5 5b 64 33'),
]);
const FILE = Uint8Array.from([...RECORD_1, ...RECORD_2]);

describe('TFRecord framing against bytes TensorFlow wrote', () => {
  it('frames the same data into exactly the same bytes', () => {
    expect([...encodeRecord(Uint8Array.from(RECORD_1_DATA))]).toEqual([...RECORD_1]);
    expect([...encodeRecord(Uint8Array.from(RECORD_2_DATA))]).toEqual([...RECORD_2]);
  });

  it('reads both records and verifies their CRCs', () => {
    const { records, offsets, issue } = readRecords(FILE, 'tf.tfevents');
    expect(issue).toBeUndefined();
    expect(offsets).toEqual([0, RECORD_1.length]);
    expect([...records[0]!]).toEqual(RECORD_1_DATA);
    expect([...records[1]!]).toEqual(RECORD_2_DATA);
  });

  it('decodes the second event to the values read off its bytes by hand', () => {
    // 09 <8 bytes>  field 1 wall_time (fixed64): double bits 0x41D7D6993DB705C4 = 1599759606.859727
    // 10 4d         field 2 step (varint): 0x4d = 77
    // 2a 25         field 5 summary, 37 bytes
    //   0a 23       Summary field 1 value, 35 bytes
    //     0a 08 accuracy           Value field 1 tag
    //     42 0a                    Value field 8 tensor, 10 bytes
    //       08 01                  TensorProto field 1 dtype = 1 (DT_FLOAT)
    //       12 00                  field 2 tensor_shape, empty (a scalar)
    //       22 04 a4 70 7d 3f      key 0x22 = field 4, length-delimited: tensor_content, 4 raw bytes, the
    //                              little-endian float32 with bits 0x3F7D70A4 = 0.99000001 (not float_val, field 5)
    //     4a 0b 0a 09 0a 07 scalars  Value field 9 metadata { plugin_data { plugin_name: "scalars" } }
    const { events, issue } = parseEventFile(FILE, 'tf.tfevents');
    expect(issue).toBeUndefined();
    expect(events[0]).toMatchObject({ wallTime: 1599759586.0, fileVersion: 'brain.Event:2' });
    const ev = events[1]!;
    expect(ev.wallTime).toBe(1599759606.859727);
    expect(ev.step).toBe(77);
    const v = ev.summary!.value[0]!;
    expect(v.tag).toBe('accuracy');
    expect(v.tensor!.dtype).toBe(1);
    expect(v.tensor!.tensorShape!.dim).toEqual([]);
    expect(v.tensor!.floatVal).toEqual([]);
    expect([...v.tensor!.tensorContent!]).toEqual([0xa4, 0x70, 0x7d, 0x3f]);
    expect(tensorValues(v.tensor!)).toEqual([Math.fround(0.99)]);
    expect(v.metadata!.pluginData!.pluginName).toBe('scalars');
  });

  it('encodes that event back to the identical bytes', () => {
    const tensorContent = new Uint8Array(new Float32Array([0.99]).buffer);
    const tensor: TensorProtoObject = { dtype: 1, tensorShape: { dim: [] }, tensorContent };
    const bytes = encodeMessage(pb.Event, {
      wallTime: 1599759606.859727,
      step: 77,
      summary: { value: [{ tag: 'accuracy', tensor, metadata: { pluginData: { pluginName: 'scalars' } } }] },
    });
    expect([...bytes]).toEqual(RECORD_2_DATA);
    expect(decodeMessage<{ step: number }>(pb.Event, bytes).step).toBe(77);
  });

  it('reports a truncated final record with file and offset, keeping every record before it', () => {
    for (let cut = 1; cut < RECORD_2.length; cut++) {
      const { records, issue } = readRecords(FILE.subarray(0, RECORD_1.length + cut), 'run/x.tfevents');
      expect(records).toHaveLength(1);
      expect(issue?.kind).toBe('truncated');
      expect(issue?.offset).toBe(RECORD_1.length);
      expect(issue?.message).toContain(`run/x.tfevents: record at byte offset ${RECORD_1.length}`);
    }
  });

  it('reports a flipped bit as a CRC mismatch at that record', () => {
    const length = FILE.slice();
    length[RECORD_1.length] = length[RECORD_1.length]! ^ 0x01; // second record's length
    expect(readRecords(length).issue).toMatchObject({ kind: 'bad-length-crc', offset: RECORD_1.length });
    const data = FILE.slice();
    data[RECORD_1.length + 20] = data[RECORD_1.length + 20]! ^ 0x40; // a byte of the second record's data
    const r = readRecords(data, 'f');
    expect(r.records).toHaveLength(1);
    expect(r.issue).toMatchObject({ kind: 'bad-data-crc', offset: RECORD_1.length });
    expect(r.issue?.message).toContain('data CRC mismatch: stored 0x33645ba5');
  });
});
