import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deserializeSafetensors,
  loadSafetensors,
  SafetensorsError,
  saveSafetensors,
  serializeSafetensors,
  tf,
  useBackend,
  writeFileAtomic,
} from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'trainkit-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

/** A safetensors file from a header (object or raw text) and a data section, with an optional wrong length prefix. */
function file(header: unknown, data: Uint8Array = new Uint8Array(), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors format', () => {
  // Byte-for-byte outputs from the reference implementation's own tests (huggingface/safetensors, tensor.rs).
  it("writes exactly the reference writer's bytes", async () => {
    const attn = tf.tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]);
    expect(Array.from(await serializeSafetensors({ 'attn.0': attn }))).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
      70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
      111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0,
      64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    // padding with spaces so the data starts 8-byte aligned
    expect(Array.from(await serializeSafetensors({ attn0: attn.reshape([1, 1, 2, 3]) }))).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70,
      51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97,
      95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32, 32, 32, 0, 0,
      0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    expect(Array.from(await serializeSafetensors({}))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    expect(Array.from(await serializeSafetensors({}, { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114,
      97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('lays data out by decreasing alignment, then name; int32 is stored as I64', async () => {
    const bytes = await serializeSafetensors({
      b: tf.tensor([1.5], [1]),
      flag: tf.tensor([1, 0], [2], 'bool'),
      a: tf.tensor([2.5], [1]),
      steps: tf.scalar(-3, 'int32'),
    });
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(Object.keys(header)).toEqual(['steps', 'a', 'b', 'flag']);
    expect(header.steps).toEqual({ dtype: 'I64', shape: [], data_offsets: [0, 8] });
    expect(header.flag).toEqual({ dtype: 'BOOL', shape: [2], data_offsets: [16, 18] });
    expect(new DataView(bytes.buffer, bytes.byteOffset + 8 + n).getBigInt64(0, true)).toBe(-3n);
  });

  it('round-trips float32, int32 and bool tensors with metadata, including scalars and empty tensors', async () => {
    const tensors = {
      w: tf.tensor([
        [1.25, -2],
        [3e-8, 1e30],
      ]),
      i: tf.tensor([-2147483648, 0, 2147483647], [3], 'int32'),
      m: tf.tensor([true, false, true], [3], 'bool'),
      s: tf.scalar(7, 'int32'),
      e: tf.zeros([0, 3]),
    };
    const path = join(dir, 'roundtrip.safetensors');
    await saveSafetensors(path, tensors, { note: 'héllo', epoch: '3' });
    const back = await loadSafetensors(path);
    expect(back.metadata).toEqual({ note: 'héllo', epoch: '3' });
    for (const [k, t] of Object.entries(tensors)) {
      const got = back.tensors[k]!;
      expect([got.dtype, got.shape], k).toEqual([t.dtype, t.shape]);
      expect(Array.from(got.dataSync()), k).toEqual(Array.from(t.dataSync()));
    }
  });

  it('reads every integer and float dtype of the format into int32 or float32', () => {
    const bytes = (arr: ArrayBufferView) => new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    const parts: [string, string, Uint8Array, number[]][] = [
      ['f64', 'F64', bytes(new Float64Array([0.5, -1e300])), [0.5, Number.NEGATIVE_INFINITY]],
      ['i64', 'I64', bytes(new BigInt64Array([-5n, 2147483647n])), [-5, 2147483647]],
      ['u64', 'U64', bytes(new BigUint64Array([9n])), [9]],
      ['u32', 'U32', bytes(new Uint32Array([4000])), [4000]],
      ['i32', 'I32', bytes(new Int32Array([-7])), [-7]],
      [
        'f16',
        'F16',
        bytes(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00])),
        [1, -2, 2 ** -24, Number.POSITIVE_INFINITY],
      ],
      ['bf16', 'BF16', bytes(new Uint16Array([0x3fc0, 0xc120])), [1.5, -10]],
      ['i16', 'I16', bytes(new Int16Array([-300, 300])), [-300, 300]],
      ['u16', 'U16', bytes(new Uint16Array([65535])), [65535]],
      ['i8', 'I8', bytes(new Int8Array([-128, 5])), [-128, 5]],
      ['u8', 'U8', bytes(new Uint8Array([255])), [255]],
      ['bool', 'BOOL', bytes(new Uint8Array([1, 0])), [1, 0]],
    ];
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, dtype, data, values] of parts) {
      header[name] = { dtype, shape: [values.length], data_offsets: [offset, offset + data.length] };
      offset += data.length;
    }
    const data = new Uint8Array(offset);
    offset = 0;
    for (const [, , d] of parts) {
      data.set(d, offset);
      offset += d.length;
    }
    const { tensors } = deserializeSafetensors(file(header, data), 'dtypes.safetensors');
    for (const [name, dtype, , values] of parts) {
      const t = tensors[name]!;
      const want = dtype.startsWith('F') || dtype === 'BF16' ? 'float32' : dtype === 'BOOL' ? 'bool' : 'int32';
      expect(t.dtype, name).toBe(want);
      expect(Array.from(t.dataSync()), name).toEqual(values);
    }
  });

  describe('rejects malformed files, naming the file, the byte offset and the tensor', () => {
    const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const cases: [string, Uint8Array, string][] = [
      [
        'a file shorter than the length prefix',
        new Uint8Array([1, 0, 0]),
        'bad.safetensors: byte 0: truncated file: 3 bytes, but a safetensors file starts with an 8-byte header length',
      ],
      [
        'a header length beyond the file',
        file(ok, f32([1, 2]), 500),
        'bad.safetensors: byte 0: header length 500 runs past the end of the file: the header would end at byte 508, the file has',
      ],
      [
        'a huge header length',
        file(ok, f32([1, 2]), 2 ** 40),
        'header length 1099511627776 is larger than the limit of 100000000 bytes',
      ],
      [
        'a header that is not JSON',
        file('{"a": {"dtype": "F32",, }', f32([1, 2])),
        'bad.safetensors: byte 30: the header is not valid JSON (',
      ],
      [
        'a header that is not an object',
        file('[1, 2]'),
        'bad.safetensors: byte 8: the header must be a JSON object, got an array',
      ],
      [
        'an unknown dtype',
        file({ a: { dtype: 'F128', shape: [2], data_offsets: [0, 8] } }, f32([1, 2])),
        'bad.safetensors: tensor \'a\': unknown dtype "F128" (expected one of BOOL, U8',
      ],
      [
        'a bad shape',
        file({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32([1, 2])),
        "tensor 'a': shape must be a list of non-negative integers, got [-2]",
      ],
      [
        'offsets that do not fit the shape',
        file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])),
        "tensor 'a': data_offsets [0, 8] hold 8 bytes, but F32 [3] needs 12",
      ],
      [
        'offsets past the end (a truncated file)',
        file(ok, f32([1])),
        "bad.safetensors: tensor 'a' at byte 62: data_offsets [0, 8] (file bytes 62 to 70) run past the end of the file, which has 66 bytes (truncated?)",
      ],
      [
        'overlapping offsets',
        file(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          f32([1, 2]),
        ),
        "tensor 'b' at byte 119: data_offsets [4, 8] overlap tensor 'a' [0, 8]",
      ],
      [
        'a gap between tensors',
        file(
          {
            a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
            b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
          },
          f32([1, 2, 3]),
        ),
        "tensor 'b' at byte 120: data_offsets [8, 12] leave file bytes 120 to 124 to no tensor",
      ],
      [
        'bytes after the last tensor',
        file(ok, f32([1, 2, 3])),
        "bad.safetensors: byte 70: 4 bytes after the last tensor's data belong to no tensor",
      ],
      ['non-string metadata', file({ __metadata__: { epoch: 3 } }), "__metadata__ 'epoch' must be a string, got 3"],
      [
        'an int64 outside int32',
        file(
          { big: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } },
          new Uint8Array(new BigInt64Array([2n ** 40n]).buffer),
        ),
        "bad.safetensors: tensor 'big': element 0 is 1099511627776, outside int32",
      ],
    ];
    for (const [what, bytes, message] of cases) {
      it(what, () => {
        const before = tf.memory().numTensors;
        let err: unknown;
        try {
          deserializeSafetensors(bytes, 'bad.safetensors');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(SafetensorsError);
        expect((err as Error).message).toContain(message);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('a truncated file on disk, by path', async () => {
      const path = join(dir, 'truncated.safetensors');
      const full = await serializeSafetensors({ w: tf.ones([4, 4]) });
      await writeFile(path, full.subarray(0, full.length - 10));
      await expect(loadSafetensors(path)).rejects.toThrow(`${path}: tensor 'w' at byte`);
      await expect(loadSafetensors(path)).rejects.toThrow('run past the end of the file, which has');
    });

    it('a safetensors file cut right after the length prefix is truncated, not foreign', () => {
      const full = file(ok, f32([1, 2]));
      expect(() => deserializeSafetensors(full.subarray(0, 8), 'cut.safetensors')).toThrow(
        'cut.safetensors: byte 0: header length 54 runs past the end of the file',
      );
    });

    it('invalid UTF-8 in the header', () => {
      const bytes = file('{"a":1}');
      bytes[10] = 0xff;
      expect(() => deserializeSafetensors(bytes, 'x')).toThrow(
        'x: byte 8: the header (bytes 8 to 15) is not valid UTF-8',
      );
    });
  });

  describe('says what a file that is not safetensors at all looks like', () => {
    const bytes = (...b: number[]) => new Uint8Array([...b, ...new Array(40).fill(0)]);
    const text = (t: string) => new TextEncoder().encode(t);
    const cases: [string, Uint8Array, string][] = [
      ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13), 'it is a PNG image'],
      [
        'a torch.save zip',
        bytes(0x50, 0x4b, 0x03, 0x04, 0, 0, 8, 8),
        'it is a zip archive, the format of torch.save (.pt, .pth)',
      ],
      ['a legacy torch.save pickle', bytes(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46), 'it is a Python pickle'],
      [
        'a text file',
        text('epoch,loss\n1,0.52\n2,0.31\n3,0.27\n4,0.22\n'),
        'it starts with text: "epoch,loss\\n1,0.52\\n2,0.31\\n3,0.27\\n…"',
      ],
      ['a JSON file', text('{"lr": 0.01, "epochs": 10}'), 'it starts with text: "{\\"lr\\": 0.01, \\"epochs\\": 10}"'],
      ['8 bytes of text', text('hello!!!'), 'it starts with text: "hello!!!"'],
      [
        'unknown binary',
        bytes(1, 2, 3, 4, 5, 6, 7, 8, 9),
        "it starts with bytes 01 02 03 04 05 06 07 08, where a safetensors file has an 8-byte header length and then '{'",
      ],
    ];
    for (const [what, content, description] of cases) {
      it(what, () => {
        let err: unknown;
        try {
          deserializeSafetensors(content, 'model.bin');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(SafetensorsError);
        const message = (err as Error).message;
        expect(message).toContain(`model.bin: not a safetensors file (${description}`);
        expect(message).toMatch(/^model\.bin: not a safetensors file \(.*\)$/s);
      });
    }

    it('by path, as loadSafetensors reports it', async () => {
      const path = join(dir, 'notes.txt');
      await writeFile(path, 'these are not weights\n');
      await expect(loadSafetensors(path)).rejects.toThrow(
        `${path}: not a safetensors file (it starts with text: "these are not weights\\n")`,
      );
    });
  });

  it('refuses to write what the format cannot hold', async () => {
    await expect(serializeSafetensors({ __metadata__: tf.ones([1]) })).rejects.toThrow(
      "invalid tensor name '__metadata__'",
    );
    await expect(serializeSafetensors({ a: tf.ones([1]) }, { n: 3 as unknown as string })).rejects.toThrow(
      "metadata 'n' must be a string, got number (JSON-encode other values)",
    );
    await expect(serializeSafetensors({ s: tf.tensor(['x']) })).rejects.toThrow(
      "tensor 's': cannot store a string tensor in safetensors",
    );
  });
});

describe('writeFileAtomic', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const leftovers = async () => (await readdir(dir)).filter((f) => f.endsWith('.tmp'));

  it('replaces the file as a whole and leaves no temporary file', async () => {
    const path = join(dir, 'atomic.txt');
    await writeFileAtomic(path, [enc('first')]);
    await writeFileAtomic(path, [enc('sec'), enc('ond')]);
    expect(await readFile(path, 'utf8')).toBe('second');
    expect(await leftovers()).toEqual([]);
  });

  it('leaves the previous file intact when writing fails half way', async () => {
    const path = join(dir, 'crash.txt');
    await writeFileAtomic(path, [enc('intact')]);
    async function* halfThenCrash() {
      yield enc('partial data that must never be seen under the final name');
      throw new Error('simulated crash');
    }
    await expect(writeFileAtomic(path, halfThenCrash())).rejects.toThrow('simulated crash');
    expect(await readFile(path, 'utf8')).toBe('intact');
    expect(await leftovers()).toEqual([]);
  });

  it('fails cleanly when the directory does not exist, and saveSafetensors keeps the old file on a bad tensor', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'x.bin'), [enc('x')])).rejects.toThrow('ENOENT');
    const path = join(dir, 'keep.safetensors');
    await saveSafetensors(path, { a: tf.ones([2]) });
    const disposed = tf.ones([2]);
    disposed.dispose();
    await expect(saveSafetensors(path, { a: disposed })).rejects.toThrow("tensor 'a'");
    expect(Array.from((await loadSafetensors(path)).tensors.a!.dataSync())).toEqual([1, 1]);
    expect(await leftovers()).toEqual([]);
  });
});
