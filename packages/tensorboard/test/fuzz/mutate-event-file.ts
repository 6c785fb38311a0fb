// Damaged copies of a real event file for the fuzz campaign (issue 18, item 5): a seeded PRNG picks what to damage,
// so a failing copy can be rebuilt from its index alone.
import { maskedCrc32c, readRecords } from '../../src/index.js';

export const MUTATION_KINDS = [
  'byte flips',
  'truncation',
  'bad length CRC',
  'bad data CRC',
  'huge length field',
  'zero length field',
  'appended garbage',
  'data bytes changed, CRCs recomputed',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutant {
  index: number;
  kind: MutationKind;
  bytes: Uint8Array;
  /** the first byte that differs from the original (or its length, for appended bytes) */
  firstChange: number;
  /** for a truncation: the length it was cut to */
  cutAt?: number;
}

/** mulberry32: a small seeded PRNG, the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `count` mutants of `original`, the kinds taken in turn, each seeded by `seed` and its index. */
export function mutants(original: Uint8Array, count: number, seed: number): Mutant[] {
  const { records, offsets } = readRecords(original);
  if (records.length < 2) throw new Error('the original event file needs at least two records');
  return Array.from({ length: count }, (_, index) => {
    const rand = prng(seed * 1_000_003 + index);
    const int = (n: number) => Math.floor(rand() * n);
    const kind = MUTATION_KINDS[index % MUTATION_KINDS.length]!;
    const b = Uint8Array.from(original);
    const view = new DataView(b.buffer);
    const k = int(records.length);
    const at = offsets[k]!;
    const dataLength = records[k]!.length;
    const fixLengthCrc = () => view.setUint32(at + 8, maskedCrc32c(b, at, at + 8), true);
    switch (kind) {
      case 'byte flips': {
        const n = 1 + int(8);
        let first = b.length;
        for (let i = 0; i < n; i++) {
          const p = int(b.length);
          b[p] = b[p]! ^ (1 + int(255));
          first = Math.min(first, p);
        }
        return { index, kind, bytes: b, firstChange: first };
      }
      case 'truncation': {
        const cut = int(original.length);
        return { index, kind, bytes: b.subarray(0, cut), firstChange: cut, cutAt: cut };
      }
      case 'bad length CRC':
        view.setUint32(at + 8, view.getUint32(at + 8, true) ^ (1 + int(0xffff)), true);
        return { index, kind, bytes: b, firstChange: at + 8 };
      case 'bad data CRC': {
        const crcAt = at + 12 + dataLength;
        view.setUint32(crcAt, view.getUint32(crcAt, true) ^ (1 + int(0xffff)), true);
        return { index, kind, bytes: b, firstChange: crcAt };
      }
      case 'huge length field': {
        // a length that passes its CRC: the reader must not believe it and allocate
        const huge = [0xffffffff, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER][int(4)]!;
        view.setUint32(at, huge % 2 ** 32, true);
        view.setUint32(at + 4, Math.floor(huge / 2 ** 32), true);
        fixLengthCrc();
        return { index, kind, bytes: b, firstChange: at };
      }
      case 'zero length field':
        view.setUint32(at, 0, true);
        view.setUint32(at + 4, 0, true);
        fixLengthCrc();
        return { index, kind, bytes: b, firstChange: at };
      case 'appended garbage': {
        const extra = Uint8Array.from({ length: 1 + int(64) }, () => int(256));
        const out = new Uint8Array(b.length + extra.length);
        out.set(b);
        out.set(extra, b.length);
        return { index, kind, bytes: out, firstChange: b.length };
      }
      default: {
        // 'data bytes changed, CRCs recomputed'
        // both CRCs valid: the damage reaches the Event and Summary decoders and every command's formatting
        const n = 1 + int(4);
        let first = b.length;
        for (let i = 0; i < n && dataLength > 0; i++) {
          const p = at + 12 + int(dataLength);
          b[p] = b[p]! ^ (1 + int(255));
          first = Math.min(first, p);
        }
        view.setUint32(at + 12 + dataLength, maskedCrc32c(b, at + 12, at + 12 + dataLength), true);
        return { index, kind, bytes: b, firstChange: Math.min(first, at) };
      }
    }
  });
}

/** How many of the original's records end before byte `offset`: those a reader must still return. */
export function wholeRecordsBefore(original: Uint8Array, offset: number): number {
  const { records, offsets } = readRecords(original);
  return offsets.filter((o, i) => o + 16 + records[i]!.length <= offset).length;
}
