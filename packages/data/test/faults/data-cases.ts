// The bad dataset files of the fault campaign (issue 18, item 3): one entry per hostile or damaged input, built in
// the case's own directory and handed to the public API as a user would. The bytes come from the format writers of
// ../helpers/formats.ts (written from the specifications, not from src/), then damaged here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { CIFAR10, extractTar, FashionMNIST, ImageFolder, MNIST } from '../../src/index.js';
import { cifarBatch, idxBytes, mnistLike, type TarSpec, tarBytes, tarGz } from '../helpers/formats.js';

export type DataCaseCategory =
  | 'CIFAR-10 directory'
  | 'CIFAR-10 archive'
  | 'tar extraction'
  | 'MNIST / Fashion-MNIST idx'
  | 'ImageFolder images';

export interface DataCase {
  id: string;
  category: DataCaseCategory;
  /** writes the input under `dir`, the case's own directory (which also holds outside/sentinel.txt) */
  build(dir: string): void;
  /** hands it to trainkit */
  run(dir: string): Promise<unknown>;
  /** the file the error must name, relative to dir */
  names: string;
  /** the byte offset the error must give, where one applies */
  offset?: number;
  /** the error's class (default DataFileError) */
  error?: 'DataFileError' | 'DecompressionBombError';
  /** the one directory (relative to dir) run may write into; everything else must be left as it was */
  writes?: string;
}

// a function is called when the case is built: for inputs too costly to make when the table is loaded
type Entry = Uint8Array | string | 'DIR' | 'FIFO' | { symlink: string } | (() => Uint8Array);

function put(path: string, entry: Entry): void {
  const what = typeof entry === 'function' ? entry() : entry;
  mkdirSync(dirname(path), { recursive: true });
  if (what === 'DIR') mkdirSync(path, { recursive: true });
  else if (what === 'FIFO') execFileSync('mkfifo', [path]);
  else if (typeof what === 'object' && 'symlink' in what) symlinkSync(what.symlink, path);
  else writeFileSync(path, what);
}

function layout(dir: string, files: Record<string, Entry | undefined>): void {
  for (const [name, what] of Object.entries(files)) if (what !== undefined) put(join(dir, name), what);
}

/** Deterministic "random" bytes (an LCG), so a failing case can be rebuilt exactly. */
export function noise(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function flip(b: Uint8Array, at: number, mask: number): void {
  b[at] = b[at]! ^ mask;
}

const quiet = { onWarning: () => {} };

// ---------------------------------------------------------------- CIFAR-10, a directory of .bin files
const META = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n';
const cifarDir = (over: Record<string, Entry | undefined>) => (dir: string) =>
  layout(join(dir, 'in'), { 'data_batch_1.bin': cifarBatch(3), 'batches.meta.txt': META, ...over });
const loadCifarDir =
  (train = true) =>
  (dir: string) =>
    CIFAR10.load({ root: join(dir, 'in'), train, ...quiet });

const cifarDirCases: DataCase[] = [
  [
    'truncated batch (cut inside record 2)',
    { 'data_batch_1.bin': cifarBatch(3).subarray(0, 3073 * 2 + 100) },
    'data_batch_1.bin',
    6146,
  ],
  [
    'records of 3072 bytes (no label byte)',
    { 'data_batch_1.bin': Buffer.alloc(3072 * 10, 1) },
    'data_batch_1.bin',
    27657,
  ],
  ['one byte', { 'data_batch_1.bin': Buffer.from([3]) }, 'data_batch_1.bin', 0],
  ['empty batch file', { 'data_batch_1.bin': Buffer.alloc(0) }, 'data_batch_1.bin', 0],
  ['empty test batch (train: false)', { 'test_batch.bin': Buffer.alloc(0) }, 'test_batch.bin', 0, false],
  [
    'truncated test batch (train: false)',
    { 'test_batch.bin': cifarBatch(2).subarray(0, 5000) },
    'test_batch.bin',
    3073,
    false,
  ],
  ['label 10 in record 1', { 'data_batch_1.bin': cifarBatch(3, (i) => (i === 1 ? 10 : 0)) }, 'data_batch_1.bin', 3073],
  ['label 255 in record 0', { 'data_batch_1.bin': cifarBatch(3, () => 255) }, 'data_batch_1.bin', 0],
  ['a directory named data_batch_1.bin', { 'data_batch_1.bin': 'DIR' }, 'data_batch_1.bin'],
  ['a FIFO named data_batch_1.bin', { 'data_batch_1.bin': 'FIFO' }, 'data_batch_1.bin'],
  ['data_batch_1.bin a symlink to /dev/zero', { 'data_batch_1.bin': { symlink: '/dev/zero' } }, 'data_batch_1.bin'],
  ['a directory named batches.meta.txt', { 'batches.meta.txt': 'DIR' }, 'batches.meta.txt'],
  ['a FIFO named batches.meta.txt', { 'batches.meta.txt': 'FIFO' }, 'batches.meta.txt'],
  ['random bytes in batches.meta.txt', { 'batches.meta.txt': noise(200, 7) }, 'batches.meta.txt'],
  ['batches.meta.txt with 3 names', { 'batches.meta.txt': 'cat\ndog\nbird\n' }, 'batches.meta.txt'],
  ['batches.meta.txt with 11 names', { 'batches.meta.txt': `${META}zebra\n` }, 'batches.meta.txt'],
  ['empty batches.meta.txt', { 'batches.meta.txt': '' }, 'batches.meta.txt'],
  ['NUL bytes in batches.meta.txt', { 'batches.meta.txt': META.replace('cat', 'c\0t') }, 'batches.meta.txt', 26],
  ['batches.meta.txt in UTF-16', { 'batches.meta.txt': Buffer.from(`\ufeff${META}`, 'utf16le') }, 'batches.meta.txt'],
  ['a 1 MB batches.meta.txt', { 'batches.meta.txt': 'x\n'.repeat(1 << 19) }, 'batches.meta.txt'],
].map(([what, over, file, offset, train]) => ({
  id: `cifar-dir: ${what}`,
  category: 'CIFAR-10 directory',
  build: cifarDir(over as Record<string, Entry>),
  run: loadCifarDir(train !== false),
  names: `in/${file}`,
  offset: offset as number | undefined,
}));

// ---------------------------------------------------------------- CIFAR-10, read from cifar-10-binary.tar.gz
const ARCHIVE = 'in/cifar-10-binary.tar.gz';
const goodTar = (): TarSpec[] => [
  { name: 'cifar-10-batches-bin/', type: '5' },
  { name: 'cifar-10-batches-bin/batches.meta.txt', data: META },
  { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(3) },
];

/** Rewrites a field of the ustar header at `at` and fixes the header's checksum, as a hostile tool would. */
export function patchHeader(tar: Buffer, at: number, field: number, value: string | Buffer): Buffer {
  const out = Buffer.from(tar);
  (typeof value === 'string' ? Buffer.from(value, 'ascii') : value).copy(out, at + field);
  out.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += out[i]!;
  out.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'ascii');
  return out;
}

// header offsets in goodTar(): directory at 0, meta at 512, its data at 1024, batch header at 1536, data at 2048
const archiveCases: DataCase[] = (
  [
    [
      'gzip cut in half',
      () => {
        const gz = tarGz(goodTar());
        return gz.subarray(0, gz.length >> 1);
      },
    ],
    [
      'gzip cut 10 bytes before its end (inside the trailer)',
      () => {
        const gz = tarGz(goodTar());
        return gz.subarray(0, gz.length - 10);
      },
    ],
    ['not gzip at all (random bytes)', () => noise(5000, 3)],
    ['empty file', () => Buffer.alloc(0)],
    [
      'a corrupted byte inside the deflate stream',
      () => {
        const gz = tarGz(goodTar());
        flip(gz, Math.floor(gz.length / 2), 0x55);
        return gz;
      },
    ],
    [
      'tar header with a bad checksum',
      () => {
        const t = tarBytes(goodTar());
        flip(t, 1536 + 10, 1);
        return gzipSync(t);
      },
      1536,
    ],
    ['batch entry cut short (tar ends inside it)', () => gzipSync(tarBytes(goodTar()).subarray(0, 2048 + 5000))],
    ['no end-of-archive block', () => gzipSync(tarBytes(goodTar()).subarray(0, 2048 + 9728))],
    ['batch entry declaring 8 GiB', () => gzipSync(patchHeader(tarBytes(goodTar()), 1536, 124, '77777777777\0'))],
    ['size field not octal', () => gzipSync(patchHeader(tarBytes(goodTar()), 1536, 124, '12x45678901\0')), 1536],
    [
      'PAX header declaring 1 GiB',
      () => {
        const t = tarBytes([{ name: 'PaxHeader', data: 'x'.repeat(10) }, ...goodTar()]);
        return gzipSync(patchHeader(patchHeader(t, 0, 156, 'x'), 0, 124, '10000000000\0'));
      },
      0,
    ],
    [
      'batch entry not a whole number of records',
      () =>
        tarGz([
          ...goodTar().slice(0, 2),
          { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(3).subarray(0, 7000) },
        ]),
    ],
    [
      'empty batch entry',
      () => tarGz([...goodTar().slice(0, 2), { name: 'cifar-10-batches-bin/data_batch_1.bin', data: '' }]),
    ],
    [
      'label 12 in the archived batch',
      () =>
        tarGz([
          ...goodTar().slice(0, 2),
          { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(3, () => 12) },
        ]),
    ],
    [
      'garbage batches.meta.txt in the archive',
      () =>
        tarGz([goodTar()[0]!, { name: 'cifar-10-batches-bin/batches.meta.txt', data: noise(300, 11) }, goodTar()[2]!]),
    ],
    [
      'a 1 MB batches.meta.txt in the archive',
      () =>
        tarGz([
          goodTar()[0]!,
          { name: 'cifar-10-batches-bin/batches.meta.txt', data: 'y\n'.repeat(1 << 19) },
          goodTar()[2]!,
        ]),
    ],
  ] as [string, () => Buffer, number?][]
).map(([what, bytes, offset]) => ({
  id: `cifar-archive: ${what}`,
  category: 'CIFAR-10 archive',
  build: (dir: string) => put(join(dir, ARCHIVE), bytes()),
  run: (dir: string) => CIFAR10.load({ root: join(dir, 'in'), ...quiet }),
  names: ARCHIVE,
  offset,
}));
archiveCases.push(
  {
    id: 'cifar-archive: a directory named cifar-10-binary.tar.gz',
    category: 'CIFAR-10 archive',
    build: (dir) => put(join(dir, ARCHIVE), 'DIR'),
    run: (dir) => CIFAR10.load({ root: join(dir, 'in'), ...quiet }),
    names: ARCHIVE,
  },
  {
    id: 'cifar-archive: a FIFO named cifar-10-binary.tar.gz',
    category: 'CIFAR-10 archive',
    build: (dir) => put(join(dir, ARCHIVE), 'FIFO'),
    run: (dir) => CIFAR10.load({ root: join(dir, 'in'), ...quiet }),
    names: ARCHIVE,
  },
  {
    id: 'cifar-archive: md5 not the one given',
    category: 'CIFAR-10 archive',
    build: (dir) => put(join(dir, ARCHIVE), tarGz(goodTar())),
    run: (dir) => CIFAR10.load({ root: join(dir, 'in'), md5: 'c32a1d4ab5d03f1284b67883e8d87530', ...quiet }),
    names: ARCHIVE,
  },
  {
    id: 'cifar-archive: extract: true with an md5 not the one given',
    category: 'CIFAR-10 archive',
    build: (dir) => put(join(dir, ARCHIVE), tarGz(goodTar())),
    run: (dir) => CIFAR10.load({ root: join(dir, 'in'), extract: true, md5: '0'.repeat(32), ...quiet }),
    names: ARCHIVE,
  },
  {
    id: 'cifar-archive: extract: true with a ../ member',
    category: 'CIFAR-10 archive',
    build: (dir) => put(join(dir, ARCHIVE), tarGz([...goodTar(), { name: '../outside/evil.txt', data: 'x' }])),
    run: (dir) => CIFAR10.load({ root: join(dir, 'in'), extract: true, ...quiet }),
    names: ARCHIVE,
    writes: 'in',
  },
);

// ---------------------------------------------------------------- extractTar and hostile archives
const TAR = 'in/a.tar.gz';
const tarCase = (
  what: string,
  bytes: (dir: string) => Buffer,
  extra: { pre?: (dir: string) => void; offset?: number; md5?: string } = {},
): DataCase => ({
  id: `tar: ${what}`,
  category: 'tar extraction',
  build: (dir) => {
    put(join(dir, TAR), bytes(dir));
    mkdirSync(join(dir, 'target'), { recursive: true });
    extra.pre?.(dir);
  },
  run: (dir) => extractTar(join(dir, TAR), join(dir, 'target'), extra.md5 ? { md5: extra.md5 } : {}),
  names: TAR,
  offset: extra.offset,
  writes: 'target',
});
const ok = { name: 'ok.txt', data: 'fine' };
const tarCases: DataCase[] = [
  tarCase('../ traversal', () => tarGz([ok, { name: '../outside/evil.txt', data: 'x' }])),
  tarCase('../ deep inside the path', () => tarGz([{ name: 'a/b/../../../outside/evil.txt', data: 'x' }])),
  tarCase('absolute path into the sentinel directory', (dir) =>
    tarGz([{ name: join(dir, 'outside', 'abs.txt'), data: 'x' }]),
  ),
  tarCase('absolute path with a doubled slash', (dir) =>
    tarGz([{ name: `/${join(dir, 'outside', 'abs2.txt')}`, data: 'x' }]),
  ),
  tarCase('drive-letter path', () => tarGz([{ name: 'C:/evil.txt', data: 'x' }])),
  tarCase('symlink member pointing outside, then a file through it', () =>
    tarGz([
      { name: 'sub', type: '2', linkName: '../outside' },
      { name: 'sub/file.txt', data: 'x' },
    ]),
  ),
  tarCase('symlink member with an absolute target', () => tarGz([{ name: 'etc', type: '2', linkName: '/etc' }])),
  tarCase('hard link to a file outside', () => tarGz([{ name: 'h', type: '1', linkName: '../outside/sentinel.txt' }])),
  tarCase('hard link to /etc/passwd', () => tarGz([{ name: 'h', type: '1', linkName: '/etc/passwd' }])),
  tarCase('character device member', () => tarGz([{ name: 'zero', type: '3' }])),
  tarCase('FIFO member', () => tarGz([{ name: 'pipe', type: '6' }])),
  tarCase(
    'existing symlink sub → ../outside in the target, member sub/file.txt',
    () => tarGz([{ name: 'sub/file.txt', data: 'x' }]),
    {
      pre: (dir) => symlinkSync('../outside', join(dir, 'target', 'sub')),
      offset: 0,
    },
  ),
  tarCase(
    'existing symlink two levels down (a/b → outside), member a/b/c.txt',
    () => tarGz([{ name: 'a/b/c.txt', data: 'x' }]),
    {
      pre: (dir) => {
        mkdirSync(join(dir, 'target', 'a'));
        symlinkSync('../../outside', join(dir, 'target', 'a', 'b'));
      },
      offset: 0,
    },
  ),
  tarCase(
    'existing symlink as a directory member (d/ where d → outside)',
    () =>
      tarGz([
        { name: 'd/', type: '5' },
        { name: 'd/x.txt', data: 'x' },
      ]),
    {
      pre: (dir) => symlinkSync('../outside', join(dir, 'target', 'd')),
      offset: 0,
    },
  ),
  tarCase(
    'a file where the next member needs a directory',
    () =>
      tarGz([
        { name: 'a', data: 'file' },
        { name: 'a/b.txt', data: 'x' },
      ]),
    { offset: 1024 },
  ),
  tarCase('member declaring 8 GiB in a short archive', () =>
    gzipSync(patchHeader(tarBytes([{ name: 'big.bin', data: 'x'.repeat(100) }]), 0, 124, '77777777777\0')),
  ),
  tarCase(
    'truncated inside a member',
    () => gzipSync(tarBytes([{ name: 'a.bin', data: noise(3000, 1) }]).subarray(0, 1500)),
    { offset: 1500 },
  ),
  tarCase(
    'truncated inside a header',
    () => gzipSync(tarBytes([ok, { name: 'b.txt', data: 'b' }]).subarray(0, 1024 + 200)),
    { offset: 1024 },
  ),
  tarCase('no end-of-archive block', () => gzipSync(tarBytes([ok]).subarray(0, 1024)), { offset: 1024 }),
  tarCase('gzip stream cut short', () => tarGz([ok, { name: 'n.bin', data: noise(20000, 2) }]).subarray(0, 3000)),
  tarCase(
    'header checksum wrong',
    () => {
      const t = tarBytes([ok]);
      flip(t, 0, 0x20);
      return gzipSync(t);
    },
    { offset: 0 },
  ),
  tarCase('random bytes', () => noise(4096, 9)),
  tarCase('bad md5', () => tarGz([ok]), { md5: 'd41d8cd98f00b204e9800998ecf8427e' }),
  tarCase('GNU long name with ../', () => {
    const long = '../outside/long-evil.txt';
    const t = tarBytes([
      { name: '././@LongLink', data: `${long}\0` },
      { name: 'short', data: 'x' },
    ]);
    return gzipSync(patchHeader(t, 0, 156, 'L'));
  }),
  tarCase('PAX path with ../', () => {
    const rec = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      let n = body.length + 2;
      if (`${n}${body}`.length !== n) n = `${n}${body}`.length;
      return `${n}${body}`;
    };
    const t = tarBytes([
      { name: 'PaxHeader', data: rec('path', '../outside/pax-evil.txt') },
      { name: 'short', data: 'x' },
    ]);
    return gzipSync(patchHeader(t, 0, 156, 'x'));
  }),
  tarCase(
    'PAX size not a number',
    () => {
      const body = '16 size=abcdef\n';
      const t = tarBytes([
        { name: 'PaxHeader', data: body },
        { name: 'short', data: 'x' },
      ]);
      return gzipSync(patchHeader(t, 0, 156, 'x'));
    },
    { offset: 1024 },
  ),
];

// ---------------------------------------------------------------- MNIST / Fashion-MNIST idx files
const RAW = 'in/MNIST/raw';
const goodMnist = mnistLike(3);
const mnist =
  (over: Record<string, Entry | undefined>, folder = RAW) =>
  (dir: string) =>
    layout(join(dir, folder), {
      'train-images-idx3-ubyte': goodMnist.images,
      'train-labels-idx1-ubyte': goodMnist.labels,
      ...over,
    });
const IMG = 'train-images-idx3-ubyte';
const LBL = 'train-labels-idx1-ubyte';
const pixels = (n: number) => new Uint8Array(n).fill(7);
const mnistCases: DataCase[] = (
  [
    ['images with the labels magic', { [IMG]: idxBytes([3, 28, 28], pixels(3 * 784)).fill(1, 3, 4) }, IMG, 0],
    ['images and labels swapped', { [IMG]: goodMnist.labels, [LBL]: goodMnist.images }, IMG, 0],
    ['float32 IDX type (0x0d)', { [IMG]: idxBytes([3, 28, 28], pixels(3 * 784), 0x0d) }, IMG, 0],
    ['2-dimensional images', { [IMG]: Buffer.concat([Buffer.from([0, 0, 8, 3]), Buffer.alloc(4)]) }, IMG],
    ['consistent 20×20 images', { [IMG]: idxBytes([3, 20, 20], pixels(3 * 400)) }, IMG, 8],
    ['consistent 14×56 images', { [IMG]: idxBytes([3, 14, 56], pixels(3 * 784)) }, IMG, 8],
    ['truncated images', { [IMG]: goodMnist.images.subarray(0, 16 + 784 + 300) }, IMG, 16 + 784 + 300],
    ['images with 5 bytes too many', { [IMG]: Buffer.concat([goodMnist.images, Buffer.alloc(5)]) }, IMG, 16 + 3 * 784],
    ['header cut after 3 bytes', { [IMG]: goodMnist.images.subarray(0, 3) }, IMG, 3],
    ['header cut inside the dimensions', { [IMG]: goodMnist.images.subarray(0, 10) }, IMG, 10],
    ['empty images file', { [IMG]: Buffer.alloc(0) }, IMG, 0],
    ['header promising 2^31 images', { [IMG]: idxBytes([2 ** 31, 28, 28], pixels(784)) }, IMG],
    ['4 labels for 3 images', { [LBL]: idxBytes([4], Uint8Array.of(1, 2, 3, 4)) }, LBL, 4],
    ['label 10', { [LBL]: idxBytes([3], Uint8Array.of(1, 10, 3)) }, LBL, 9],
    ['truncated labels', { [LBL]: goodMnist.labels.subarray(0, 9) }, LBL, 9],
    ['a directory named train-labels-idx1-ubyte', { [LBL]: 'DIR' }, LBL],
    ['a directory named train-images-idx3-ubyte', { [IMG]: 'DIR' }, IMG],
    ['a FIFO named train-images-idx3-ubyte', { [IMG]: 'FIFO' }, IMG],
    ['a FIFO named train-labels-idx1-ubyte', { [LBL]: 'FIFO' }, LBL],
    ['train-images a symlink to /dev/zero', { [IMG]: { symlink: '/dev/zero' } }, IMG],
    ['.gz cut in half', { [IMG]: undefined, [`${IMG}.gz`]: gzipSync(goodMnist.images).subarray(0, 100) }, `${IMG}.gz`],
    [
      '.gz with a flipped byte',
      {
        [IMG]: undefined,
        [`${IMG}.gz`]: (() => {
          const g = gzipSync(goodMnist.images);
          flip(g, Math.floor(g.length / 2), 0xff);
          return g;
        })(),
      },
      `${IMG}.gz`,
    ],
    [
      '.gz with a wrong CRC trailer',
      {
        [IMG]: undefined,
        [`${IMG}.gz`]: (() => {
          const g = gzipSync(goodMnist.images);
          flip(g, g.length - 6, 1);
          return g;
        })(),
      },
      `${IMG}.gz`,
    ],
    ['.gz holding the wrong magic', { [LBL]: undefined, [`${LBL}.gz`]: gzipSync(goodMnist.images) }, `${LBL}.gz`, 0],
    ['random bytes as images', { [IMG]: noise(3000, 5) }, IMG, 0],
    [
      // a valid header and images, then 20 gzip members of 64 MiB of zeros (1.25 GiB from about 1.3 MB)
      '.gz bomb (1.25 GiB of zeros after the images)',
      {
        [IMG]: undefined,
        [`${IMG}.gz`]: () =>
          Buffer.concat([
            gzipSync(goodMnist.images),
            ...Array(20).fill(gzipSync(Buffer.alloc(64 << 20), { level: 1 })),
          ]),
      },
      `${IMG}.gz`,
    ],
  ] as [string, Record<string, Entry | undefined>, string, number?][]
).map(([what, over, file, offset]) => ({
  id: `mnist: ${what}`,
  category: 'MNIST / Fashion-MNIST idx',
  build: mnist(over),
  run: (dir: string) => MNIST.load({ root: join(dir, 'in') }),
  names: `${RAW}/${file}`,
  offset,
}));
mnistCases.push(
  {
    id: 'mnist: test split 20×20 while train is 28×28',
    category: 'MNIST / Fashion-MNIST idx',
    build: (dir) =>
      mnist({
        't10k-images-idx3-ubyte': idxBytes([3, 20, 20], pixels(1200)),
        't10k-labels-idx1-ubyte': goodMnist.labels,
      })(dir),
    run: (dir) => MNIST.load({ root: join(dir, 'in'), train: false }),
    names: `${RAW}/t10k-images-idx3-ubyte`,
    offset: 8,
  },
  {
    id: 'fashion-mnist: wrong magic',
    category: 'MNIST / Fashion-MNIST idx',
    build: mnist({ [LBL]: goodMnist.images }, 'in/FashionMNIST/raw'),
    run: (dir) => FashionMNIST.load({ root: join(dir, 'in') }),
    names: `in/FashionMNIST/raw/${LBL}`,
    offset: 0,
  },
  {
    id: 'fashion-mnist: 20×20 images',
    category: 'MNIST / Fashion-MNIST idx',
    build: mnist({ [IMG]: idxBytes([3, 20, 20], pixels(1200)) }, 'in/FashionMNIST/raw'),
    run: (dir) => FashionMNIST.load({ root: join(dir, 'in') }),
    names: `in/FashionMNIST/raw/${IMG}`,
    offset: 8,
  },
);

// ---------------------------------------------------------------- images read by ImageFolder
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function ihdr(w: number, h: number, depth = 8, colorType = 2, interlace = 0): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(w, 0);
  b.writeUInt32BE(h, 4);
  b.set([depth, colorType, 0, 0, interlace], 8);
  return chunk('IHDR', b);
}
/** A w×h 8-bit RGB PNG, written from the specification: IHDR at byte 8, IDAT at byte 33. */
function png(w: number, h: number, idat?: Buffer): Buffer {
  const raw = Buffer.alloc(h * (1 + 3 * w), 0x40);
  for (let y = 0; y < h; y++) raw[y * (1 + 3 * w)] = 0;
  return Buffer.concat([
    SIGNATURE,
    ihdr(w, h),
    chunk('IDAT', idat ?? deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const goodPng = png(8, 8);
function jpg(w = 16): Buffer {
  const d = new Uint8Array(w * w * 4);
  for (let i = 0; i < d.length; i++) d[i] = (i * 37) % 256;
  return Buffer.from(jpeg.encode({ data: d, width: w, height: w }, 90).data);
}
const goodJpg = jpg();
const scanJpg = jpg(64);
const SCAN_SOS = scanJpg.indexOf(Buffer.from([0xff, 0xda]));
const SOF = goodJpg.indexOf(Buffer.from([0xff, 0xc0]));
const SOS = goodJpg.indexOf(Buffer.from([0xff, 0xda]));
const withSof = (w: number, h: number) => {
  const b = Buffer.from(goodJpg);
  b.writeUInt16BE(h, SOF + 5);
  b.writeUInt16BE(w, SOF + 7);
  return b;
};
/** An 8-bit RGB PNG whose IHDR says w×h and whose IDAT is a tiny zlib stream: a decompression bomb's header. */
const bomb = (w: number, h: number) =>
  Buffer.concat([
    SIGNATURE,
    ihdr(w, h),
    chunk('IDAT', deflateSync(Buffer.alloc(1 << 16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);

const imageCases: DataCase[] = (
  [
    ['zero-byte .png', Buffer.alloc(0), 0],
    ['text in a .png', 'not an image at all', 0],
    ['GIF bytes in a .jpg', 'GIF89a\x01\x00\x01\x00', 0],
    ['PNG cut after the signature', goodPng.subarray(0, 8), 8],
    ['PNG cut inside IDAT', goodPng.subarray(0, 50), 33],
    ['PNG without IEND', goodPng.subarray(0, goodPng.length - 12), goodPng.length - 12],
    [
      'bad IHDR CRC',
      (() => {
        const b = Buffer.from(goodPng);
        flip(b, 29, 1);
        return b;
      })(),
      8,
    ],
    [
      'IHDR width changed, CRC left (a flipped bit)',
      (() => {
        const b = Buffer.from(goodPng);
        flip(b, 19, 4);
        return b;
      })(),
      8,
    ],
    [
      'corrupt IDAT (byte flipped, CRC left)',
      (() => {
        const b = Buffer.from(goodPng);
        flip(b, 45, 0xff);
        return b;
      })(),
      33,
    ],
    [
      'corrupt IDAT with a recomputed CRC',
      png(
        8,
        8,
        (() => {
          const z = Buffer.from(deflateSync(Buffer.alloc(8 * 25, 0x40)));
          flip(z, z.length - 3, 0x5a);
          return z;
        })(),
      ),
      33,
    ],
    ['IDAT too short for IHDR (valid zlib, CRC fixed)', png(8, 8, deflateSync(Buffer.alloc(100))), 33],
    ['IDAT too long for IHDR (valid zlib, CRC fixed)', png(8, 8, deflateSync(Buffer.alloc(10_000))), 33],
    ['IDAT not zlib (CRC fixed)', png(8, 8, noise(100, 4)), 33],
    [
      '0×0 PNG',
      Buffer.concat([
        SIGNATURE,
        ihdr(0, 0),
        chunk('IDAT', deflateSync(Buffer.alloc(0))),
        chunk('IEND', Buffer.alloc(0)),
      ]),
      8,
    ],
    [
      '8×0 PNG',
      Buffer.concat([
        SIGNATURE,
        ihdr(8, 0),
        chunk('IDAT', deflateSync(Buffer.alloc(0))),
        chunk('IEND', Buffer.alloc(0)),
      ]),
      8,
    ],
    ['bit depth 3', Buffer.concat([SIGNATURE, ihdr(8, 8, 3), chunk('IEND', Buffer.alloc(0))]), 8],
    ['colour type 5', Buffer.concat([SIGNATURE, ihdr(8, 8, 8, 5), chunk('IEND', Buffer.alloc(0))]), 8],
    ['interlace method 2', Buffer.concat([SIGNATURE, ihdr(8, 8, 8, 2, 2), chunk('IEND', Buffer.alloc(0))]), 8],
    [
      'palette image without PLTE',
      Buffer.concat([
        SIGNATURE,
        ihdr(8, 8, 8, 3),
        chunk('IDAT', deflateSync(Buffer.alloc(72))),
        chunk('IEND', Buffer.alloc(0)),
      ]),
      8,
    ],
    ['no IDAT', Buffer.concat([SIGNATURE, ihdr(8, 8), chunk('IEND', Buffer.alloc(0))])],
    ['first chunk not IHDR', Buffer.concat([SIGNATURE, chunk('tEXt', Buffer.from('a\0b')), ihdr(8, 8)]), 8],
    [
      'chunk length 2^31 + 5',
      (() => {
        const b = Buffer.from(goodPng);
        b.writeUInt32BE(2 ** 31 + 5, 33);
        return b;
      })(),
      33,
    ],
    [
      'chunk length past the end of the file',
      (() => {
        const b = Buffer.from(goodPng);
        b.writeUInt32BE(1_000_000, 33);
        return b;
      })(),
      33,
    ],
    ['JPEG cut inside the scan', goodJpg.subarray(0, SOS + 100)],
    ['JPEG cut before the frame header', goodJpg.subarray(0, SOF - 10)],
    [
      'JPEG scan overwritten with 0xff bytes',
      (() => {
        const b = Buffer.from(goodJpg);
        b.fill(0xff, SOS + 40, SOS + 44);
        return b;
      })(),
    ],
    [
      'JPEG scan with a stray marker',
      (() => {
        const b = Buffer.from(goodJpg);
        b.set([0xff, 0xc4], SOS + 60);
        return b;
      })(),
    ],
    // damage jpeg-js 0.4.4 decodes into garbage without a word (each checked against jpeg-js alone)
    ...(
      [
        [100, 200],
        [300, 100],
        [1000, 50],
        [2000, 30],
      ] as const
    ).map(([at, n]): [string, Buffer] => {
      const b = Buffer.from(scanJpg);
      b.fill(0, SCAN_SOS + at, SCAN_SOS + at + n);
      return [`JPEG scan with ${n} zero bytes at scan byte ${at}`, b];
    }),
    ...(
      [
        [100, 200, 1],
        [500, 20, 2],
        [1500, 10, 3],
        [800, 40, 4],
      ] as const
    ).map(([at, n, seed]): [string, Buffer] => {
      const b = Buffer.from(scanJpg);
      // no 0xff: a marker would be caught by jpeg-js itself
      b.set(
        noise(n, seed).map((x) => (x === 0xff ? 0 : x)),
        SCAN_SOS + at,
      );
      return [`JPEG scan with ${n} random bytes at scan byte ${at}`, b];
    }),
    ['JPEG 0 lines high', withSof(16, 0), SOF],
    [
      'JPEG segment length 0',
      (() => {
        const b = Buffer.from(goodJpg);
        b.writeUInt16BE(0, 4);
        return b;
      })(),
      2,
    ],
  ] as [string, Buffer | string, number?][]
).map(([what, bytes, offset]) => {
  const name = /\.jpg|JPEG/.test(what) ? 'x.jpg' : 'x.png';
  return {
    id: `image: ${what}`,
    category: 'ImageFolder images' as const,
    build: (dir: string) => put(join(dir, 'in', 'cls', name), bytes),
    run: async (dir: string) => new ImageFolder(join(dir, 'in')).getItem(0),
    names: `in/cls/${name}`,
    offset,
  };
});
imageCases.push(
  ...(
    [
      ['PNG decompression bomb 16384×16384 (268 M pixels)', 'x.png', () => bomb(16384, 16384), 8],
      ['PNG declaring 2^31−1 × 2^31−1', 'x.png', () => bomb(2 ** 31 - 1, 2 ** 31 - 1), 8],
      ['JPEG declaring 65535×65535', 'x.jpg', () => withSof(65535, 65535), SOF],
    ] as [string, string, () => Buffer, number][]
  ).map(([what, name, bytes, offset]) => ({
    id: `image: ${what}`,
    category: 'ImageFolder images' as const,
    build: (dir: string) => put(join(dir, 'in', 'cls', name), bytes()),
    run: async (dir: string) => new ImageFolder(join(dir, 'in')).getItem(0),
    names: `in/cls/${name}`,
    offset,
    error: 'DecompressionBombError' as const,
  })),
  {
    id: 'image: PNG over a lowered maxImagePixels',
    category: 'ImageFolder images',
    build: (dir) => put(join(dir, 'in', 'cls', 'x.png'), goodPng),
    run: async (dir) => new ImageFolder(join(dir, 'in'), { maxImagePixels: 20 }).getItem(0),
    names: 'in/cls/x.png',
    offset: 8,
    error: 'DecompressionBombError',
  },
  {
    id: 'image: a FIFO named x.png',
    category: 'ImageFolder images',
    build: (dir) => put(join(dir, 'in', 'cls', 'x.png'), 'FIFO'),
    run: async (dir) => new ImageFolder(join(dir, 'in')).getItem(0),
    names: 'in/cls/x.png',
  },
  {
    id: 'image: x.png a symlink to /dev/zero',
    category: 'ImageFolder images',
    build: (dir) => put(join(dir, 'in', 'cls', 'x.png'), { symlink: '/dev/zero' }),
    run: async (dir) => new ImageFolder(join(dir, 'in')).getItem(0),
    names: 'in/cls/x.png',
  },
);

export const DATA_CASES: DataCase[] = [...cifarDirCases, ...archiveCases, ...tarCases, ...mnistCases, ...imageCases];
