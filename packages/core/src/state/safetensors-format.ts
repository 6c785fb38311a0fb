import { describeFileStart } from './file-signature.js';
import {
  dtypeRank,
  dtypeSize,
  isSafetensorsDtype,
  SAFETENSORS_DTYPES,
  type SafetensorsDtype,
} from './safetensors-dtype.js';
import { SafetensorsError } from './safetensors-error.js';

/** One tensor as the file holds it: little-endian, row-major bytes. */
export interface RawTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Uint8Array;
}

// The reference implementation refuses larger headers; so do we, before allocating anything for one.
const MAX_HEADER_SIZE = 100_000_000;

/**
 * Lays tensors out as the reference writer (huggingface/safetensors) does: an 8-byte little-endian header length;
 * the JSON header (`__metadata__` first, then each tensor's dtype, shape and data_offsets) padded with spaces to a
 * multiple of 8 bytes; then the data, sorted by decreasing alignment and then by name so every tensor starts
 * aligned. Returns the file as chunks, to be written without concatenating them.
 */
export function serializeRaw(
  tensors: Record<string, RawTensor>,
  metadata: Record<string, string> | undefined,
  source: string,
): Uint8Array[] {
  const names = Object.keys(tensors).sort((a, b) => {
    const byDtype = dtypeRank(tensors[b]!.dtype) - dtypeRank(tensors[a]!.dtype);
    return byDtype !== 0 ? byDtype : compareBytes(a, b);
  });
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new SafetensorsError(
          source,
          `metadata '${k}' must be a string, got ${typeof v} (JSON-encode other values)`,
        );
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '' || name === '__metadata__') throw new SafetensorsError(source, `invalid tensor name '${name}'`);
    const t = tensors[name]!;
    const expected = numel(t.shape) * dtypeSize(t.dtype);
    if (t.data.byteLength !== expected) {
      throw new SafetensorsError(
        source,
        `${t.dtype} [${t.shape.join(', ')}] needs ${expected} bytes, got ${t.data.byteLength}`,
        { tensor: name },
      );
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + expected] };
    offset += expected;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(padded.length), true);
  return [length, padded, ...names.map((n) => tensors[n]!.data)];
}

/**
 * Reads a safetensors file's bytes, validating everything the reference reader does, with errors naming the source,
 * the byte offset and the tensor: length prefix, header bounds, UTF-8, JSON, every entry's dtype, shape and
 * data_offsets, and that the tensors' data tile the data section exactly (no overlap, gap, or trailing bytes).
 * The returned tensors' data are views into `bytes`.
 */
export function parseRaw(
  bytes: Uint8Array,
  source: string,
): { tensors: Map<string, RawTensor>; metadata: Record<string, string> } {
  const fail = (detail: string, where: { offset?: number; tensor?: string } = {}) =>
    new SafetensorsError(source, detail, where);
  if (bytes.length < 8) {
    throw fail(`truncated file: ${bytes.length} bytes, but a safetensors file starts with an 8-byte header length`, {
      offset: 0,
    });
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  // Every safetensors header is a JSON object, so byte 8 is '{'. A header length that cannot be right with no '{'
  // after it means another kind of file altogether (a PNG, a torch.save zip, text): say that, not its "header length".
  // A '{' there means a safetensors file that is truncated or corrupt, told below with the byte offset.
  const lengthImpossible = n > BigInt(MAX_HEADER_SIZE) || 8n + n > BigInt(bytes.length);
  if (lengthImpossible && (bytes.length > 8 ? bytes[8] !== 0x7b : n > BigInt(MAX_HEADER_SIZE))) {
    throw new SafetensorsError(source, `not a safetensors file (${describeFileStart(bytes)})`);
  }
  if (n > BigInt(MAX_HEADER_SIZE))
    throw fail(`header length ${n} is larger than the limit of ${MAX_HEADER_SIZE} bytes`, { offset: 0 });
  const headerLength = Number(n);
  const dataStart = 8 + headerLength;
  if (dataStart > bytes.length) {
    throw fail(
      `header length ${headerLength} runs past the end of the file: the header would end at byte ${dataStart}, the file has ${bytes.length} bytes (truncated?)`,
      { offset: 0 },
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw fail(`the header (bytes 8 to ${dataStart}) is not valid UTF-8`, { offset: 8 });
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? 8 + new TextEncoder().encode(text.slice(0, Number(pos[1]))).length : 8;
    throw fail(`the header is not valid JSON (${message})`, { offset });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw fail(`the header must be a JSON object, got ${Array.isArray(header) ? 'an array' : JSON.stringify(header)}`, {
      offset: 8,
    });
  }
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info))
        throw fail(`__metadata__ must be an object of strings`, { offset: 8 });
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string')
          throw fail(`__metadata__ '${k}' must be a string, got ${JSON.stringify(v)}`, { offset: 8 });
        metadata[k] = v;
      }
      continue;
    }
    const bad = (detail: string) => fail(detail, { tensor: name });
    if (info === null || typeof info !== 'object' || Array.isArray(info))
      throw bad(`expected {dtype, shape, data_offsets}, got ${JSON.stringify(info)}`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (!isSafetensorsDtype(dtype))
      throw bad(`unknown dtype ${shown(dtype)} (expected one of ${SAFETENSORS_DTYPES.join(', ')})`);
    if (!Array.isArray(shape) || !shape.every(isCount))
      throw bad(`shape must be a list of non-negative integers, got ${shown(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      throw bad(`data_offsets must be [begin, end] with non-negative integers, got ${shown(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) throw bad(`data_offsets [${begin}, ${end}] end before they begin`);
    const expected = numel(shape) * dtypeSize(dtype);
    if (end - begin !== expected) {
      throw bad(
        `data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} [${shape.join(', ')}] needs ${expected}`,
      );
    }
    if (dataStart + end > bytes.length) {
      throw fail(
        `data_offsets [${begin}, ${end}] (file bytes ${dataStart + begin} to ${dataStart + end}) run past the end of the file, which has ${bytes.length} bytes (truncated?)`,
        { tensor: name, offset: dataStart + begin },
      );
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: (typeof entries)[number] | undefined;
  for (const e of entries) {
    if (e.begin < cursor) {
      throw fail(
        `data_offsets [${e.begin}, ${e.end}] overlap tensor '${previous!.name}' [${previous!.begin}, ${previous!.end}]`,
        {
          tensor: e.name,
          offset: dataStart + e.begin,
        },
      );
    }
    if (e.begin > cursor) {
      throw fail(
        `data_offsets [${e.begin}, ${e.end}] leave file bytes ${dataStart + cursor} to ${dataStart + e.begin} to no tensor`,
        {
          tensor: e.name,
          offset: dataStart + cursor,
        },
      );
    }
    cursor = e.end;
    previous = e;
  }
  if (dataStart + cursor !== bytes.length) {
    throw fail(`${bytes.length - dataStart - cursor} bytes after the last tensor's data belong to no tensor`, {
      offset: dataStart + cursor,
    });
  }
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: bytes.subarray(dataStart + e.begin, dataStart + e.end),
    });
  }
  return { tensors, metadata };
}

/** A header value in an error message; a missing one as "none" (JSON has no undefined). */
function shown(x: unknown): string {
  return x === undefined ? 'none' : JSON.stringify(x);
}

function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Orders names by their UTF-8 bytes, as Rust's String ordering in the reference writer. */
function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}
