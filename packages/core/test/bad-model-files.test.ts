import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import {
  Generator,
  loadCheckpoint,
  loadModel,
  nn,
  optim,
  SafetensorsError,
  saveCheckpoint,
  saveModel,
  serializeSafetensors,
  tf,
  useBackend,
} from '../src/index.js';

// The fault campaign for files a user hands trainkit in place of a model or a checkpoint: every damaged, foreign
// or impossible file must be refused with an error that names the file and what is wrong in it (the tensor, both
// shapes, the option), never loaded without a word, never a TypeError's stack trace, an out-of-memory or a hang,
// and must leave the model as it was. The counts go into the README's reliability table, which this test checks.

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'trainkit-bad-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** conv → batch norm → flatten → linear: float parameters, float and integer buffers, 4-d and 2-d weights */
function makeModel(seed = 1): nn.Sequential {
  const generator = new Generator(seed);
  return new nn.Sequential(
    new nn.Conv2d(1, 2, 3, { generator }),
    new nn.BatchNorm2d(2),
    new nn.Flatten(),
    new nn.Linear(8, 3, { generator }),
  );
}

const makeOptimizer = (model: nn.Module) => new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });

/** A model and optimizer after one step, so that the optimizer holds momentum buffers. */
function trained() {
  const model = makeModel(2);
  const optimizer = makeOptimizer(model);
  optimizer.step(() => tf.mean(tf.square(model.call(tf.ones([2, 1, 4, 4])) as tf.Tensor)));
  return { model, optimizer };
}

// biome-ignore lint/suspicious/noExplicitAny: the campaign edits headers and metadata as free-form JSON
type Json = any;
type Header = Record<string, Json>;

/** A safetensors file split into its header (parsed) and data section. */
function split(bytes: Uint8Array): { header: Header; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

/** A file from a header (object or raw text) and a data section, with an optional length prefix of its own. */
function join8(header: unknown, data: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** `bytes` with the header changed by `edit` (the data section kept). */
function editHeader(bytes: Uint8Array, edit: (header: Header) => void): Uint8Array {
  const { header, data } = split(bytes);
  edit(header);
  return join8(header, data);
}

/** `bytes` with float `value` written over element `index` of tensor `name`. */
function poke(bytes: Uint8Array, name: string, index: number, value: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const { header } = split(out);
  const dataStart = out.length - split(out).data.length;
  const at = dataStart + header[name].data_offsets[0] + 4 * index;
  new DataView(out.buffer).setFloat32(at, value, true);
  return out;
}

const modelFile = async (edit?: (sd: Record<string, tf.Tensor>) => Record<string, tf.Tensor>) => {
  const model = makeModel(3);
  const sd = model.stateDict();
  try {
    return await serializeSafetensors(edit ? edit(sd) : sd);
  } finally {
    model.dispose();
  }
};

/** A checkpoint of the trained model and optimizer, with its metadata or tensors edited. */
async function checkpointFile(edit?: (header: Header) => void): Promise<Uint8Array> {
  const { model, optimizer } = trained();
  const path = join(dir, `source-${Math.random().toString(36).slice(2)}.safetensors`);
  try {
    await saveCheckpoint(path, { model, optimizer, epoch: 1, step: 2, extra: { note: 'campaign' } });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  const { readFile } = await import('node:fs/promises');
  const bytes = new Uint8Array(await readFile(path));
  return edit ? editHeader(bytes, edit) : bytes;
}

/** Edits the JSON of checkpoint metadata `key` (stored as a string). */
const meta = (key: string, edit: (value: Json) => Json) => (header: Header) => {
  header.__metadata__[key] = JSON.stringify(edit(JSON.parse(header.__metadata__[key])));
};

interface Case {
  what: string;
  bytes: () => Promise<Uint8Array> | Uint8Array;
  /**
   * loadModel into the test model, loadCheckpoint into model, optimizer and a generator, or loadModel(path) alone
   * (a whole model, rebuilt from the architecture in the file)
   */
  as: 'model' | 'checkpoint' | 'whole';
  /** what the message must name besides the file */
  names: string[];
}

const f32 = (n: number) => new Uint8Array(new Float32Array(n).fill(0.5).buffer);
const oneTensor = (entry: unknown, data = f32(2)) => join8({ '0.bias': entry }, data);
const bigLength = (length: bigint) => async () =>
  join8(split(await modelFile()).header, split(await modelFile()).data, length);

const CASES: Case[] = [
  // the length prefix and the header
  { what: 'an empty file', as: 'model', names: ['truncated file: 0 bytes'], bytes: () => new Uint8Array() },
  { what: 'a file of 5 bytes', as: 'model', names: ['truncated file: 5 bytes'], bytes: () => new Uint8Array(5) },
  ...([2n ** 40n, 2n ** 64n - 1n, 100_000_001n, 2n ** 32n] as const).map(
    (n): Case => ({
      what: `header length ${n}`,
      as: 'model',
      names: ['header length', 'larger than the limit'],
      bytes: bigLength(n),
    }),
  ),
  {
    what: 'a header length 1 byte past the end of the file',
    as: 'model',
    names: ['runs past the end of the file'],
    bytes: async () => {
      const b = new Uint8Array(await modelFile());
      new DataView(b.buffer).setBigUint64(0, BigInt(b.length - 8 + 1), true);
      return b;
    },
  },
  {
    what: 'header length 0',
    as: 'model',
    names: ['byte 8', 'not valid JSON'],
    bytes: async () => join8('', await modelFile(), 0n),
  },
  {
    what: 'a header length 5 bytes short',
    as: 'model',
    names: ['not valid JSON'],
    bytes: async () => {
      const { header, data } = split(await modelFile());
      const text = JSON.stringify(header);
      return join8(text, data, BigInt(new TextEncoder().encode(text).length - 5));
    },
  },
  ...(
    [
      ['a header cut in the middle', '{"0.bias": {"dtype": "F32", "sha'],
      ['a header with a doubled comma', '{"0.bias": {"dtype": "F32",, "shape": [2]}}'],
      ['a header of NUL bytes', '{\u0000\u0000\u0000\u0000}'],
      ['a header with a trailing comma', '{"0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},}'],
      ['a header in single quotes', "{'0.bias': {'dtype': 'F32'}}"],
    ] as const
  ).map(([what, text]): Case => ({ what, as: 'model', names: ['not valid JSON'], bytes: () => join8(text, f32(2)) })),
  {
    what: 'a header that is not UTF-8',
    as: 'model',
    names: ['not valid UTF-8'],
    bytes: () => {
      const b = join8('{"0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}', f32(2));
      b[12] = 0xfe;
      return b;
    },
  },
  ...(
    [
      ['an array', '[1, 2]'],
      ['a number', '12345678'],
      ['null', 'null    '],
      ['a string', '"weights"'],
    ] as const
  ).map(
    ([what, text]): Case => ({
      what: `a header that is ${what}`,
      as: 'model',
      names: ['must be a JSON object'],
      bytes: () => join8(text, new Uint8Array()),
    }),
  ),
  {
    what: '__metadata__ that is an array',
    as: 'model',
    names: ['__metadata__ must be an object'],
    bytes: async () =>
      editHeader(await modelFile(), (h) => {
        h.__metadata__ = ['a'];
      }),
  },
  {
    what: '__metadata__ with a number',
    as: 'model',
    names: ["__metadata__ 'epoch' must be a string"],
    bytes: async () =>
      editHeader(await modelFile(), (h) => {
        h.__metadata__ = { epoch: 3 };
      }),
  },
  // one tensor's entry
  ...([null, 42, 'F32', [0, 8]] as const).map(
    (entry): Case => ({
      what: `a tensor entry ${JSON.stringify(entry)}`,
      as: 'model',
      names: ["tensor '0.bias'", 'expected {dtype, shape, data_offsets}'],
      bytes: () => oneTensor(entry),
    }),
  ),
  {
    what: 'an entry without dtype',
    as: 'model',
    names: ["tensor '0.bias'", 'unknown dtype'],
    bytes: () => oneTensor({ shape: [2], data_offsets: [0, 8] }),
  },
  {
    what: 'an entry without shape',
    as: 'model',
    names: ["tensor '0.bias'", 'shape must be'],
    bytes: () => oneTensor({ dtype: 'F32', data_offsets: [0, 8] }),
  },
  {
    what: 'an entry without data_offsets',
    as: 'model',
    names: ["tensor '0.bias'", 'data_offsets must be'],
    bytes: () => oneTensor({ dtype: 'F32', shape: [2] }),
  },
  // dtypes: unknown ones, 8-bit floats tfjs cannot hold, and integers or booleans where weights belong
  ...(['F128', 'f32', '', 'float32'] as const).map(
    (dtype): Case => ({
      what: `dtype ${JSON.stringify(dtype)}`,
      as: 'model',
      names: ["tensor '0.bias'", 'unknown dtype'],
      bytes: () => oneTensor({ dtype, shape: [2], data_offsets: [0, 8] }),
    }),
  ),
  ...(['F8_E4M3', 'F8_E5M2'] as const).map(
    (dtype): Case => ({
      what: `dtype ${dtype}`,
      as: 'model',
      names: ["tensor '0.bias'", 'not supported'],
      bytes: () => oneTensor({ dtype, shape: [2], data_offsets: [0, 2] }, new Uint8Array(2)),
    }),
  ),
  ...(
    [
      ['I64', 8, 'int32'],
      ['I32', 4, 'int32'],
      ['I16', 2, 'int32'],
      ['I8', 1, 'int32'],
      ['U8', 1, 'int32'],
      ['U16', 2, 'int32'],
      ['U32', 4, 'int32'],
      ['U64', 8, 'int32'],
      ['BOOL', 1, 'bool'],
    ] as const
  ).map(
    ([dtype, size, got]): Case => ({
      what: `the weights stored as ${dtype}`,
      as: 'model',
      names: ['3.weight', `expected floating-point values, got ${got}`],
      bytes: async () => {
        const { header, data } = split(await modelFile());
        const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
        // 3.weight becomes the integer tensor; the others keep their bytes, laid out again after it
        const chunks: Uint8Array[] = [];
        let offset = 0;
        const out: Record<string, unknown> = {};
        for (const [name, e] of entries) {
          const bytes =
            name === '3.weight' ? new Uint8Array(24 * size) : data.subarray(e.data_offsets[0], e.data_offsets[1]);
          out[name] = {
            dtype: name === '3.weight' ? dtype : e.dtype,
            shape: e.shape,
            data_offsets: [offset, offset + bytes.length],
          };
          chunks.push(bytes);
          offset += bytes.length;
        }
        return join8(out, Buffer.concat(chunks));
      },
    }),
  ),
  // shapes that do not fit the model, with the same number of values (so the file itself is consistent)
  ...(
    [
      ['0.weight', [2, 3, 3, 1], '[2, 1, 3, 3]', '[2, 3, 3, 1]'],
      ['0.weight', [18], '[2, 1, 3, 3]', '[18]'],
      ['3.weight', [8, 3], '[3, 8]', '[8, 3]'],
      ['3.weight', [1, 3, 8], '[3, 8]', '[1, 3, 8]'],
      ['3.bias', [1, 3], '[3]', '[1, 3]'],
      ['1.running_var', [1, 2], '[2]', '[1, 2]'],
    ] as const
  ).map(
    ([name, shape, want, got]): Case => ({
      what: `${name} with shape [${shape.join(', ')}]`,
      as: 'model',
      names: [name, `expected shape ${want}, got ${got}`],
      bytes: async () =>
        editHeader(await modelFile(), (h) => {
          h[name].shape = shape;
        }),
    }),
  ),
  {
    what: 'a conv weight of another layer size (the values fit the file, not the model)',
    as: 'model',
    names: ['0.weight', 'expected shape [2, 1, 3, 3], got [4, 1, 3, 3]'],
    bytes: () => modelFile((sd) => ({ ...sd, '0.weight': tf.zeros([4, 1, 3, 3]) })),
  },
  // keys
  {
    what: 'a missing key',
    as: 'model',
    names: ['3.bias: missing'],
    bytes: () => modelFile(({ '3.bias': _, ...rest }) => rest),
  },
  {
    what: 'a missing buffer',
    as: 'model',
    names: ['1.running_mean: missing'],
    bytes: () => modelFile(({ '1.running_mean': _, ...rest }) => rest),
  },
  {
    what: 'an extra key',
    as: 'model',
    names: ['4.weight: unexpected'],
    bytes: () => modelFile((sd) => ({ ...sd, '4.weight': tf.zeros([2]) })),
  },
  {
    what: "keys with DataParallel's module. prefix",
    as: 'model',
    names: ['module.0.weight: unexpected', '0.weight: missing'],
    bytes: () => modelFile((sd) => Object.fromEntries(Object.entries(sd).map(([k, v]) => [`module.${k}`, v]))),
  },
  {
    what: 'no tensors at all',
    as: 'model',
    names: ['0.weight: missing', '3.bias: missing'],
    bytes: () => serializeSafetensors({}),
  },
  {
    what: 'another network altogether',
    as: 'model',
    names: ['fc1.weight: unexpected', '0.weight: missing'],
    bytes: () => serializeSafetensors({ 'fc1.weight': tf.zeros([4, 4]), 'fc1.bias': tf.zeros([4]) }),
  },
  // truncation at every kind of place
  ...([1, 7, 8, 9, 40, -200, -97, -1] as const).map(
    (cut): Case => ({
      what: `a file cut ${cut > 0 ? `to its first ${cut} bytes` : `${-cut} bytes short`}`,
      as: 'model',
      names: [cut > 0 && cut < 8 ? 'truncated file' : cut > 0 ? 'runs past the end' : 'run past the end of the file'],
      bytes: async () => {
        const b = await modelFile();
        return b.subarray(0, cut > 0 ? cut : b.length + cut);
      },
    }),
  ),
  // data offsets
  ...(
    [
      ['ending before they begin', [8, 0], 'end before they begin'],
      ['past the end of the data', [0, 8000], 'data_offsets [0, 8000] hold 8000 bytes'],
      ['negative', [-8, 0], 'data_offsets must be [begin, end] with non-negative integers'],
      ['fractional', [0, 7.5], 'data_offsets must be [begin, end] with non-negative integers'],
      ['beyond 2^53', [0, 2 ** 60], 'data_offsets must be [begin, end] with non-negative integers'],
      ['given as strings', ['0', '8'], 'data_offsets must be [begin, end] with non-negative integers'],
      ['three numbers', [0, 8, 16], 'data_offsets must be [begin, end] with non-negative integers'],
    ] as const
  ).map(
    ([what, offsets, message]): Case => ({
      what: `data_offsets ${what}`,
      as: 'model',
      names: ["tensor '0.bias'", message],
      bytes: () => oneTensor({ dtype: 'F32', shape: [2], data_offsets: offsets }),
    }),
  ),
  {
    what: 'data_offsets moved past the end (a truncated file)',
    as: 'model',
    names: ["tensor '0.bias'", 'run past the end of the file'],
    bytes: () => oneTensor({ dtype: 'F32', shape: [2], data_offsets: [8, 16] }),
  },
  {
    what: 'two tensors on the same bytes',
    as: 'model',
    names: ["tensor '0.weight'", 'overlap'],
    bytes: async () =>
      editHeader(await modelFile(), (h) => {
        h['0.weight'].data_offsets = [...h['0.bias'].data_offsets];
        h['0.weight'].shape = [2];
      }),
  },
  {
    what: 'bytes belonging to no tensor',
    as: 'model',
    names: ['belong to no tensor'],
    bytes: async () => Buffer.concat([await modelFile(), new Uint8Array(16)]),
  },
  {
    what: 'a shape whose size overflows',
    as: 'model',
    names: ["tensor '0.bias'", 'needs'],
    bytes: () => oneTensor({ dtype: 'F32', shape: [2 ** 31, 2 ** 31, 2 ** 31], data_offsets: [0, 8] }),
  },
  {
    what: 'a negative dimension',
    as: 'model',
    names: ["tensor '0.bias'", 'shape must be a list of non-negative integers'],
    bytes: () => oneTensor({ dtype: 'F32', shape: [-2], data_offsets: [0, 8] }),
  },
  // values no run should load
  ...(
    [
      ['NaN', '0.weight', 5, Number.NaN],
      ['Infinity', '3.weight', 0, Number.POSITIVE_INFINITY],
      ['-Infinity', '3.bias', 2, Number.NEGATIVE_INFINITY],
      ['NaN', '1.running_var', 1, Number.NaN],
    ] as const
  ).map(
    ([value, name, index, v]): Case => ({
      what: `${value} in ${name}`,
      as: 'model',
      names: [name, `element ${index} is ${value}`],
      bytes: async () => poke(await modelFile(), name, index, v),
    }),
  ),
  // files that are not safetensors at all
  ...(
    [
      ['a PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'it is a PNG image'],
      ['a torch.save zip', [0x50, 0x4b, 0x03, 0x04, 0, 0, 8, 8, 0, 0], 'zip archive'],
      ['a pickle', [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0x19, 0x9c], 'Python pickle'],
      ['gzip', [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], 'gzip'],
    ] as const
  ).map(
    ([what, b, message]): Case => ({
      what,
      as: 'model',
      names: ['not a safetensors file', message],
      bytes: () => new Uint8Array([...b, ...new Array(40).fill(0)]),
    }),
  ),
  {
    what: 'a CSV of losses',
    as: 'model',
    names: ['not a safetensors file', 'it starts with text'],
    bytes: () => new TextEncoder().encode('epoch,loss\n1,0.52\n2,0.31\n3,0.27\n4,0.22\n'),
  },

  // checkpoints: the layout, the optimizer's state and options, the position
  {
    what: 'a plain state dict given as a checkpoint',
    as: 'checkpoint',
    names: ['not a trainkit checkpoint'],
    bytes: () => modelFile(),
  },
  {
    what: 'checkpoint layout version 2',
    as: 'checkpoint',
    names: ['checkpoint layout version 2 is not supported'],
    bytes: () =>
      checkpointFile((h) => {
        h.__metadata__['trainkit.checkpoint'] = '2';
      }),
  },
  ...(['optimizer', 'extra', 'epoch', 'rng'] as const).map(
    (key): Case => ({
      what: `metadata '${key}' that is not JSON`,
      as: 'checkpoint',
      names: [`metadata '${key}' is not valid JSON`],
      bytes: () =>
        checkpointFile((h) => {
          h.__metadata__[key] = '{"truncated": ';
        }),
    }),
  ),
  ...([null, [], 5, { state: 5, param_groups: [] }, { state: { 0: 7 }, param_groups: [] }] as const).map(
    (value): Case => ({
      what: `optimizer state ${JSON.stringify(value)}`,
      as: 'checkpoint',
      names: ["metadata 'optimizer' is not an optimizer state"],
      bytes: () => checkpointFile(meta('optimizer', () => value)),
    }),
  ),
  {
    what: 'optimizer state without param_groups',
    as: 'checkpoint',
    names: ['SGD.loadStateDict', 'param_groups'],
    bytes: () => checkpointFile(meta('optimizer', ({ param_groups: _, ...rest }) => rest)),
  },
  {
    what: 'a parameter group whose params are names',
    as: 'checkpoint',
    names: ['SGD.loadStateDict', 'parameter group 0', 'parameter indices'],
    bytes: () =>
      checkpointFile(
        meta('optimizer', (o) => ({ ...o, param_groups: [{ ...o.param_groups[0], params: ['a', 'b'] }] })),
      ),
  },
  {
    what: 'two parameter groups for one',
    as: 'checkpoint',
    names: ['expected 1 parameter groups, got 2'],
    bytes: () =>
      checkpointFile(meta('optimizer', (o) => ({ ...o, param_groups: [o.param_groups[0], o.param_groups[0]] }))),
  },
  {
    what: 'a parameter group with a parameter too few',
    as: 'checkpoint',
    names: ['group 0 has 6 parameters', "state dict's 5"],
    bytes: () =>
      checkpointFile(
        meta('optimizer', (o) => ({ ...o, param_groups: [{ ...o.param_groups[0], params: [0, 1, 2, 3, 4] }] })),
      ),
  },
  ...(
    [
      ['lr', -5, 'Invalid learning rate: -5'],
      ['lr', { $float: 'NaN' }, 'Invalid learning rate: NaN'],
      ['lr', { $float: 'Infinity' }, 'Invalid learning rate: Infinity'],
      ['lr', '0.1', 'lr: expected a number, got "0.1"'],
      ['momentum', -1, 'Invalid momentum value: -1'],
      ['weight_decay', -0.5, 'Invalid weight_decay value: -0.5'],
      ['nesterov', 'yes', 'nesterov: expected a boolean, got "yes"'],
    ] as const
  ).map(
    ([key, value, message]): Case => ({
      what: `optimizer ${key} ${JSON.stringify(value)}`,
      as: 'checkpoint',
      names: ['SGD.loadStateDict', 'parameter group 0', message],
      bytes: () =>
        checkpointFile(meta('optimizer', (o) => ({ ...o, param_groups: [{ ...o.param_groups[0], [key]: value }] }))),
    }),
  ),
  {
    what: 'state for a parameter no group lists',
    as: 'checkpoint',
    names: ['state for parameter 99'],
    bytes: () => checkpointFile(meta('optimizer', (o) => ({ ...o, state: { ...o.state, 99: o.state[0] } }))),
  },
  {
    what: 'state under a key that is no index',
    as: 'checkpoint',
    names: ["state 'weights' must be an object keyed by a parameter index"],
    bytes: () => checkpointFile(meta('optimizer', (o) => ({ ...o, state: { weights: o.state[0] } }))),
  },
  {
    what: 'a momentum buffer the file does not hold',
    as: 'checkpoint',
    names: ["refers to tensor 'optimizer.state.7.momentum_buffer'"],
    bytes: () =>
      checkpointFile(
        meta('optimizer', (o) => ({
          ...o,
          state: { ...o.state, 0: { momentum_buffer: { $tensor: 'optimizer.state.7.momentum_buffer' } } },
        })),
      ),
  },
  {
    what: 'a momentum buffer of another shape',
    as: 'checkpoint',
    names: ["state 'momentum_buffer' of parameter 0", 'expected shape [2, 1, 3, 3], got [18]'],
    bytes: () =>
      checkpointFile((h) => {
        h['optimizer.state.0.momentum_buffer'].shape = [18];
      }),
  },
  {
    what: 'NaN in a momentum buffer',
    as: 'checkpoint',
    names: ["state 'momentum_buffer' of parameter 4", 'element 3 is NaN'],
    bytes: async () => poke(await checkpointFile(), 'optimizer.state.4.momentum_buffer', 3, Number.NaN),
  },
  {
    what: 'NaN in the checkpoint model weights',
    as: 'checkpoint',
    names: ['0.bias', 'element 1 is NaN'],
    bytes: async () => poke(await checkpointFile(), 'model.0.bias', 1, Number.NaN),
  },
  {
    what: 'a checkpoint model weight of another shape',
    as: 'checkpoint',
    names: ['3.weight', 'expected shape [3, 8], got [4, 6]'],
    bytes: () =>
      checkpointFile((h) => {
        h['model.3.weight'].shape = [4, 6];
      }),
  },
  {
    what: 'a checkpoint without model tensors',
    as: 'checkpoint',
    names: ['holds no model tensors'],
    bytes: async () => {
      const { header, data } = split(await checkpointFile());
      const kept = Object.entries(header).filter(([k]) => !k.startsWith('model.'));
      const chunks: Uint8Array[] = [];
      let offset = 0;
      const out: Record<string, unknown> = {};
      for (const [name, e] of kept) {
        if (name === '__metadata__') {
          out[name] = e;
          continue;
        }
        const bytes = data.subarray(e.data_offsets[0], e.data_offsets[1]);
        out[name] = { ...e, data_offsets: [offset, offset + bytes.length] };
        chunks.push(bytes);
        offset += bytes.length;
      }
      return join8(out, Buffer.concat(chunks));
    },
  },
  {
    what: 'a checkpoint without optimizer state',
    as: 'checkpoint',
    names: ['holds no optimizer state'],
    bytes: () =>
      checkpointFile((h) => {
        delete h.__metadata__.optimizer;
      }),
  },
  ...([-1, 1.5, 'three', { $float: 'NaN' }] as const).map(
    (value): Case => ({
      what: `epoch ${JSON.stringify(value)}`,
      as: 'checkpoint',
      names: ["metadata 'epoch' must be an integer ≥ 0"],
      bytes: () => checkpointFile(meta('epoch', () => value)),
    }),
  ),
  {
    what: 'step -3',
    as: 'checkpoint',
    names: ["metadata 'step' must be an integer ≥ 0, got -3"],
    bytes: () => checkpointFile(meta('step', () => -3)),
  },
  ...([5, { mt: [1, 2, 3], index: 0, seed: 0 }] as const).map(
    (value): Case => ({
      what: `random state ${JSON.stringify(value)}`,
      as: 'checkpoint',
      names: ["metadata 'rng'", 'expected 624 state words'],
      bytes: () => checkpointFile(meta('rng', () => value)),
    }),
  ),
  {
    what: 'a checkpoint cut in its data',
    as: 'checkpoint',
    names: ['run past the end of the file'],
    bytes: async () => {
      const b = await checkpointFile();
      return b.subarray(0, b.length - 50);
    },
  }, // whole-model files (saveModel): the architecture in the metadata names classes and constructor arguments
  {
    what: 'a whole model of a class that is not registered',
    as: 'whole',
    names: ["class 'NotRegisteredNet' at (the model) is not registered", 'nn.registerModuleClass(NotRegisteredNet)'],
    bytes: () => wholeFile((a) => ({ ...a, model: { ...a.model, class: 'NotRegisteredNet' } })),
  },
  {
    what: 'a whole model whose child is of a class not registered',
    as: 'whole',
    names: ["class 'MyBlock' at '3' is not registered"],
    bytes: () => wholeFile((a) => withChild(a, 3, (c) => ({ ...c, class: 'MyBlock' }))),
  },
  {
    what: 'a whole model whose architecture is not JSON',
    as: 'whole',
    names: ["metadata 'trainkit.architecture' is not valid JSON"],
    bytes: () => wholeFile(() => '{"version": 1, "model": '),
  },
  {
    what: 'a whole model of an unknown architecture layout',
    as: 'whole',
    names: ["metadata 'trainkit.architecture' has layout version 7, expected 1"],
    bytes: () => wholeFile((a) => ({ ...a, version: 7 })),
  },
  {
    what: 'a whole model whose children are not a list',
    as: 'whole',
    names: ["metadata 'trainkit.architecture': model has children that are not a list"],
    bytes: () => wholeFile((a) => ({ ...a, model: { ...a.model, children: { 0: 'conv' } } })),
  },
  {
    what: 'a whole model whose constructor arguments do not fit its weights',
    as: 'whole',
    names: [
      'the weights do not fit the model rebuilt from its architecture',
      '3.weight: expected shape [5, 8], got [3, 8]',
    ],
    bytes: () => wholeFile((a) => withChild(a, 3, (c) => ({ ...c, args: [8, 5, { bias: true }] }))),
  },
  {
    what: 'a whole model whose constructor refuses its arguments',
    as: 'whole',
    names: ["rebuilding Conv2d at '0' failed", 'divisible by groups'],
    bytes: () =>
      wholeFile((a) =>
        withChild(a, 0, (c) => ({ ...c, args: [c.args[0], c.args[1], c.args[2], { ...c.args[3], groups: 3 }] })),
      ),
  },
  {
    what: 'a whole model whose arguments name a class not registered',
    as: 'whole',
    names: ["its constructor argument names the class 'Nope', which is not registered"],
    bytes: () => wholeFile((a) => withChild(a, 3, (c) => ({ ...c, args: [{ $class: 'Nope' }, 3] }))),
  },
  {
    what: 'a whole model whose child refers to a module that comes later',
    as: 'whole',
    names: ["'1' refers to '3', which comes later"],
    bytes: () => wholeFile((a) => withChild(a, 1, () => ({ sameAs: '3' }))),
  },
  {
    what: 'weights only, loaded as a whole model',
    as: 'whole',
    names: ['holds the weights only, no architecture'],
    bytes: () => modelFile(),
  },
];

/** A saveModel file of the test model, with its architecture (parsed JSON, or replaced by raw text) edited. */
async function wholeFile(edit: (architecture: Json) => Json): Promise<Uint8Array> {
  const model = makeModel(5);
  const path = join(dir, `whole-${Math.random().toString(36).slice(2)}.safetensors`);
  try {
    await saveModel(model, path);
  } finally {
    model.dispose();
  }
  const { readFile } = await import('node:fs/promises');
  return editHeader(new Uint8Array(await readFile(path)), (header) => {
    const edited = edit(JSON.parse(header.__metadata__['trainkit.architecture']));
    header.__metadata__['trainkit.architecture'] = typeof edited === 'string' ? edited : JSON.stringify(edited);
  });
}

/** The architecture with the spec of the root's child `index` replaced by `edit`'s. */
function withChild(architecture: Json, index: number, edit: (spec: Json) => Json): Json {
  const children = architecture.model.children.map((c: Json, i: number) =>
    i === index ? { ...c, module: edit(c.module) } : c,
  );
  return { ...architecture, model: { ...architecture.model, children } };
}

/** What a failed load looks like to its user: a message that says it all, a stack trace, or nothing. */
type Outcome = 'clear' | 'stack trace' | 'silent';

function classify(err: unknown, path: string, names: string[]): { outcome: Outcome; detail: string } {
  if (err === undefined) return { outcome: 'silent', detail: 'loaded without an error' };
  if (!(err instanceof Error)) return { outcome: 'stack trace', detail: `threw ${String(err)}` };
  const message = err.message;
  // JavaScript's own errors mean a check is missing: their messages explain nothing to the user
  const internal =
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    /Cannot read propert|is not a function|is not iterable|undefined|\[object /.test(message);
  if (internal) return { outcome: 'stack trace', detail: err.stack ?? message };
  const missing = [path, ...names].filter((n) => !message.includes(n));
  return missing.length === 0
    ? { outcome: 'clear', detail: message }
    : { outcome: 'stack trace', detail: `${message}\n  (does not name: ${missing.join(' | ')})` };
}

const snapshot = (m: nn.Module) => Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]);

describe('bad model and checkpoint files', () => {
  it(`are refused with a clear error that names the file and the fault, and change nothing (${CASES.length} files)`, async () => {
    const results: { what: string; outcome: Outcome; detail: string; ms: number }[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    for (const [i, c] of CASES.entries()) {
      const path = join(dir, `case-${i}.safetensors`);
      await writeFile(path, await c.bytes());
      const model = makeModel(4);
      const optimizer = makeOptimizer(model);
      const before = snapshot(model);
      const tensorsBefore = tf.memory().numTensors;
      const started = performance.now();
      let err: unknown;
      try {
        if (c.as === 'model') await loadModel(model, path);
        else if (c.as === 'whole') (await loadModel(path)).dispose();
        else await loadCheckpoint(path, { model, optimizer, rng: new Generator(0) });
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - started;
      const { outcome, detail } = classify(err, path, c.names);
      results.push({ what: c.what, outcome, detail, ms });
      expect(snapshot(model), `${c.what}: the model changed`).toEqual(before);
      expect(tf.memory().numTensors, `${c.what}: tensors leaked`).toBe(tensorsBefore);
      expect(optimizer.state.size, `${c.what}: the optimizer changed`).toBe(0);
      model.dispose();
      optimizer.dispose();
    }
    const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
    const clear = count('clear');
    console.log(
      `bad model/checkpoint files: ${results.length} tried (${CASES.filter((c) => c.as === 'model').length} loaded into a model, ${CASES.filter((c) => c.as === 'whole').length} as a whole model, ${CASES.filter((c) => c.as === 'checkpoint').length} as a checkpoint), ${clear} refused clearly, ${count('stack trace')} stack traces, ${count('silent')} silent; slowest load ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`,
    );
    for (const r of results.filter((r) => r.outcome !== 'clear')) console.log(`  ${r.outcome}: ${r.what}: ${r.detail}`);
    expect(results.filter((r) => r.outcome !== 'clear').map((r) => `${r.what}: ${r.detail}`)).toEqual([]);
    // no load allocates for what a header merely claims (a huge header length, a huge shape)
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 2 ** 20);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(5000);
    expectReliabilityFigure('Model and checkpoint files', `${clear}/${results.length}`);
  });

  it('while the precisions PyTorch converts (float16, bfloat16, float64) load as float32', async () => {
    for (const dtype of ['F16', 'BF16', 'F64'] as const) {
      const model = makeModel(5);
      const { header, data } = split(await modelFile(() => ({ ...model.stateDict() })));
      const size = dtype === 'F64' ? 8 : 2;
      const chunks: Uint8Array[] = [];
      const out: Record<string, unknown> = {};
      let offset = 0;
      for (const [name, e] of Object.entries(header)) {
        const floats = new Float32Array(new Uint8Array(data.subarray(e.data_offsets[0], e.data_offsets[1])).buffer);
        let bytes = data.subarray(e.data_offsets[0], e.data_offsets[1]);
        let type = e.dtype;
        if (e.dtype === 'F32') {
          type = dtype;
          bytes =
            dtype === 'F64'
              ? new Uint8Array(Float64Array.from(floats).buffer)
              : new Uint8Array(
                  Uint16Array.from(floats, (x) =>
                    dtype === 'BF16' ? new Uint32Array(new Float32Array([x]).buffer)[0]! >>> 16 : 0,
                  ).buffer,
                );
          if (dtype === 'F16') bytes = new Uint8Array(floats.length * size); // zeros: exactly representable
        }
        out[name] = { dtype: type, shape: e.shape, data_offsets: [offset, offset + bytes.length] };
        chunks.push(bytes);
        offset += bytes.length;
      }
      const path = join(dir, `precision-${dtype}.safetensors`);
      await writeFile(path, join8(out, Buffer.concat(chunks)));
      const target = makeModel(6);
      await expect(target.load(path)).resolves.toEqual({ missingKeys: [], unexpectedKeys: [] });
      const w = target.stateDict()['3.weight']!.dataSync();
      const want = dtype === 'F16' ? 0 : model.stateDict()['3.weight']!.dataSync()[0]!;
      expect(w[0], dtype).toBeCloseTo(want, dtype === 'BF16' ? 2 : 6);
      model.dispose();
      target.dispose();
    }
  });

  it('a refused file is a SafetensorsError when the file format is at fault', async () => {
    const path = join(dir, 'huge-header.safetensors');
    await writeFile(path, await bigLength(2n ** 40n)());
    await expect(loadModel(makeModel(), path)).rejects.toBeInstanceOf(SafetensorsError);
  });
});
