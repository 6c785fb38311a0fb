import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, useBackend } from '@trainkit/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CIFAR10,
  CIFAR10_CLASSES,
  DataFileError,
  DataLoader,
  DatasetNotFoundError,
  DownloadError,
  type DownloadProgress,
  locateCifar10,
  transforms,
} from '../src/index.js';
import { cifarBatch, cifarPixel, tarGz } from './helpers/formats.js';
import { closedPort, startServer } from './helpers/http-server.js';
import { tempDir } from './helpers/tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The real CIFAR-10 sample committed with the repository (samples/README.md). */
const SAMPLE = resolve(here, '..', '..', '..', 'samples', 'cifar-10-sample');
const META = `${CIFAR10_CLASSES.join('\n')}\n\n`;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  await useBackend('cpu');
});
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function write(dir: string, files: Record<string, Uint8Array | string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

function expectRecord(ds: CIFAR10, index: number, source: number) {
  const [img, label] = ds.getItem(index);
  expect([img.height, img.width, img.channels]).toEqual([32, 32, 3]);
  expect(label).toBe(source % 10);
  for (const [y, x] of [
    [0, 0],
    [5, 17],
    [31, 31],
  ] as const) {
    const o = (y * 32 + x) * 3;
    expect(Array.from(img.data.subarray(o, o + 3))).toEqual(cifarPixel(source, y, x));
  }
}

describe('CIFAR10 from a directory', () => {
  it('reads batches in file order as HWC images, flags a partial split and warns once', async () => {
    const dir = write(join(tmp.dir, 'cifar-10-batches-bin'), {
      'data_batch_1.bin': cifarBatch(7),
      'data_batch_3.bin': cifarBatch(5, undefined, 100),
      'batches.meta.txt': META,
    });
    const warnings: string[] = [];
    const ds = await CIFAR10.load({ root: tmp.dir, onWarning: (m) => warnings.push(m) });
    expect(ds.length).toBe(12);
    expect(ds.classes).toEqual(CIFAR10_CLASSES);
    expect(ds.classToIdx.truck).toBe(9);
    expectRecord(ds, 0, 0);
    expectRecord(ds, 6, 6);
    expectRecord(ds, 7, 100);
    expectRecord(ds, 11, 104);
    expect(ds.partial).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(ds.description).toBe(
      `partial CIFAR-10 train split from ${dir}: 12 of 50000 images (data_batch_1.bin has 7 of 10000 records; data_batch_3.bin has 5 of 10000 records; data_batch_2.bin, data_batch_4.bin, data_batch_5.bin are missing)`,
    );
    expect(warnings[0]).toBe(`CIFAR10: ${ds.description}`);
  });

  it('a complete test split is not partial and does not warn; root may hold the files itself', async () => {
    write(tmp.dir, { 'test_batch.bin': cifarBatch(10_000), 'batches.meta.txt': META });
    const warnings: string[] = [];
    const ds = await CIFAR10.load({ root: tmp.dir, train: false, onWarning: (m) => warnings.push(m) });
    expect(ds.length).toBe(10_000);
    expect(ds.partial).toBe(false);
    expect(warnings).toEqual([]);
    expectRecord(ds, 9_999, 9_999);
  });

  it('without batches.meta.txt uses the official class names and says so', async () => {
    write(tmp.dir, { 'test_batch.bin': cifarBatch(2) });
    const warnings: string[] = [];
    const ds = await CIFAR10.load({ root: tmp.dir, train: false, onWarning: (m) => warnings.push(m) });
    expect(ds.classes).toEqual(CIFAR10_CLASSES);
    expect(warnings[0]).toContain('batches.meta.txt is missing, so the official class names are used');
  });

  it('a file that is not a whole number of records names the offset of the incomplete record', async () => {
    const dir = write(tmp.dir, { 'data_batch_1.bin': cifarBatch(3).subarray(0, 3 * 3073 - 100) });
    const err = await CIFAR10.load({ root: tmp.dir, onWarning: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toBe(
      `${join(dir, 'data_batch_1.bin')}: 9119 bytes is not a whole number of 3073-byte records: 2 records, then 2973 bytes of an incomplete record at byte offset 6146 (truncated or corrupted)`,
    );
    expect(err.offset).toBe(6146);
  });

  it('a label out of range names the byte offset and record', async () => {
    const batch = cifarBatch(4);
    batch[2 * 3073] = 11;
    const dir = write(tmp.dir, { 'data_batch_1.bin': batch });
    const err = await CIFAR10.load({ root: tmp.dir, onWarning: () => {} }).catch((e) => e);
    expect(err.message).toBe(
      `${join(dir, 'data_batch_1.bin')}: label 11 at byte offset 6146 (record 2) is out of range 0–9`,
    );
  });

  it('a directory without the requested split says which files are missing', async () => {
    write(tmp.dir, { 'test_batch.bin': cifarBatch(2) });
    const err = await CIFAR10.load({ root: tmp.dir }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect(err.message).toContain(
      `the train split is not in ${tmp.dir}: data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin missing`,
    );
    expect(err.downloadOption).toBeUndefined(); // the files are there, without this split: a download would not help
    expect(err.files).toEqual([
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
    ]);
  });
});

describe('locateCifar10', () => {
  it("names what CIFAR10.load would read, in load's order: root's .bin files, cifar-10-batches-bin/, the archive", () => {
    expect(locateCifar10(tmp.dir)).toBeUndefined();
    writeFileSync(join(tmp.dir, 'cifar-10-binary.tar.gz'), tarGz([]));
    expect(locateCifar10(tmp.dir)).toEqual({ kind: 'archive', path: join(tmp.dir, 'cifar-10-binary.tar.gz') });
    write(join(tmp.dir, 'cifar-10-batches-bin'), { 'test_batch.bin': cifarBatch(1) });
    expect(locateCifar10(tmp.dir)).toEqual({ kind: 'directory', path: join(tmp.dir, 'cifar-10-batches-bin') });
    write(tmp.dir, { 'data_batch_2.bin': cifarBatch(1) });
    expect(locateCifar10(tmp.dir)).toEqual({ kind: 'directory', path: tmp.dir });
  });

  it('ignores a directory that holds other files only (the class names alone are no data)', () => {
    write(join(tmp.dir, 'cifar-10-batches-bin'), { 'batches.meta.txt': META, 'readme.html': '<html>' });
    expect(locateCifar10(tmp.dir)).toBeUndefined();
  });
});
describe('CIFAR10 from cifar-10-binary.tar.gz', () => {
  const archive = (entries: Parameters<typeof tarGz>[0]) =>
    writeFileSync(join(tmp.dir, 'cifar-10-binary.tar.gz'), tarGz(entries));

  it('streams the batches straight out of the archive, in file order whatever the archive order, writing nothing', async () => {
    archive([
      { name: 'cifar-10-batches-bin/', type: '5' },
      { name: 'cifar-10-batches-bin/readme.html', data: '<html>' },
      { name: 'cifar-10-batches-bin/data_batch_2.bin', data: cifarBatch(3, undefined, 50) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: META },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(4) },
      { name: 'cifar-10-batches-bin/test_batch.bin', data: cifarBatch(2, undefined, 900) },
    ]);
    const warnings: string[] = [];
    const train = await CIFAR10.load({ root: tmp.dir, onWarning: (m) => warnings.push(m) });
    expect(train.length).toBe(7);
    expectRecord(train, 0, 0);
    expectRecord(train, 3, 3);
    expectRecord(train, 4, 50);
    expectRecord(train, 6, 52);
    expect(train.partial).toBe(true);
    expect(train.description).toContain(`from ${join(tmp.dir, 'cifar-10-binary.tar.gz')}: 7 of 50000 images`);
    const test = await CIFAR10.load({ root: tmp.dir, train: false, onWarning: () => {} });
    expect(test.length).toBe(2);
    expectRecord(test, 1, 901);
    expect(readdirSync(tmp.dir)).toEqual(['cifar-10-binary.tar.gz']);
  });

  it('extract: true unpacks into root/cifar-10-batches-bin and reads from there', async () => {
    archive([
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(4) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: META },
    ]);
    const ds = await CIFAR10.load({ root: tmp.dir, extract: true, onWarning: () => {} });
    expect(ds.length).toBe(4);
    expect(readFileSync(join(tmp.dir, 'cifar-10-batches-bin', 'data_batch_1.bin')).equals(cifarBatch(4))).toBe(true);
    expect(ds.description).toContain(join(tmp.dir, 'cifar-10-batches-bin'));
  });

  it('an archive entry with an incomplete record or a bad label is named inside the archive', async () => {
    archive([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(2).subarray(0, 5000) }]);
    const err = await CIFAR10.load({ root: tmp.dir, onWarning: () => {} }).catch((e) => e);
    expect(err.message).toBe(
      `${join(tmp.dir, 'cifar-10-binary.tar.gz')}:cifar-10-batches-bin/data_batch_1.bin: 5000 bytes is not a whole number of 3073-byte records: 1 records, then 1927 bytes of an incomplete record at byte offset 3073 (truncated or corrupted)`,
    );
    const bad = cifarBatch(3);
    bad[3073] = 200;
    archive([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: bad }]);
    const err2 = await CIFAR10.load({ root: tmp.dir, onWarning: () => {} }).catch((e) => e);
    expect(err2.message).toContain('data_batch_1.bin: label 200 at byte offset 3073 (record 1) is out of range 0–9');
  });

  it('a truncated archive is an error naming the file, not a partial dataset', async () => {
    const full = tarGz([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(20) }]);
    writeFileSync(join(tmp.dir, 'cifar-10-binary.tar.gz'), full.subarray(0, full.length - 200));
    const err = await CIFAR10.load({ root: tmp.dir, onWarning: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toContain(`${join(tmp.dir, 'cifar-10-binary.tar.gz')}: gzip data is truncated or corrupted`);
  });
});

describe('CIFAR10 missing and download', () => {
  it('without files or download, says which files to place where, at once', async () => {
    const err = await CIFAR10.load({ root: tmp.dir }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect(err.message).toContain(`no CIFAR-10 binary files in ${tmp.dir} or ${join(tmp.dir, 'cifar-10-batches-bin')}`);
    expect(err.message).toContain(`Place cifar-10-binary.tar.gz (md5 c32a1d4ab5d03f1284b67883e8d87530) in ${tmp.dir}`);
    expect(err.message).toContain('data_batch_1.bin');
    expect({ ...err }).toMatchObject({
      dataset: 'CIFAR10',
      split: 'train',
      directory: tmp.dir,
      files: ['cifar-10-binary.tar.gz'],
      md5: { 'cifar-10-binary.tar.gz': 'c32a1d4ab5d03f1284b67883e8d87530' },
      alternatives: [
        {
          directory: join(tmp.dir, 'cifar-10-batches-bin'),
          files: [
            'data_batch_1.bin',
            'data_batch_2.bin',
            'data_batch_3.bin',
            'data_batch_4.bin',
            'data_batch_5.bin',
            'batches.meta.txt',
          ],
        },
      ],
      downloadOption: 'download',
    });
  });

  it('offline with download: true fails fast with the same instructions and leaves no archive', async () => {
    const t0 = Date.now();
    const err = await CIFAR10.load({
      root: tmp.dir,
      download: true,
      mirrors: [await closedPort()],
      progress: false,
    }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect(err.message).toContain('could not download cifar-10-binary.tar.gz');
    expect(err.message).toContain('Without network: Place cifar-10-binary.tar.gz');
    expect(err.downloadOption).toBeUndefined();
    expect(err.cause).toBeInstanceOf(DownloadError);
    expect(existsSync(join(tmp.dir, 'cifar-10-binary.tar.gz'))).toBe(false);
  });

  it('downloads with progress, resumes an interrupted transfer, verifies md5 and loads', async () => {
    const body = tarGz([
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(300) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: META },
    ]);
    const server = await startServer({
      '/kriz/cifar-10-binary.tar.gz': {
        body,
        cutAfter: Math.floor(body.length / 3),
        cutOnceWritten: join(tmp.dir, 'cifar-10-binary.tar.gz.part'),
      },
    });
    try {
      const reports: DownloadProgress[] = [];
      const options = {
        root: tmp.dir,
        download: true,
        mirrors: [`${server.url}kriz/`],
        md5: md5(body),
        progress: (p: DownloadProgress) => reports.push(p),
        onWarning: () => {},
      };
      const first = await CIFAR10.load(options).catch((e) => e);
      expect(first.message).toMatch(/interrupted after \d+ of \d+ bytes/);
      expect(existsSync(join(tmp.dir, 'cifar-10-binary.tar.gz'))).toBe(false);
      expect(existsSync(join(tmp.dir, 'cifar-10-binary.tar.gz.part'))).toBe(true);
      server.files.set('/kriz/cifar-10-binary.tar.gz', { body });
      const ds = await CIFAR10.load(options);
      expect(server.requests.at(-1)!.range).toMatch(/^bytes=\d+-$/);
      expect(ds.length).toBe(300);
      expectRecord(ds, 299, 299);
      expect(reports.at(-1)).toMatchObject({ done: true, received: body.length, total: body.length });
      expect(reports.some((r) => r.resumedFrom > 0)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('an archive that is not the official one fails the official md5', async () => {
    const body = tarGz([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(2) }]);
    const server = await startServer({ '/cifar-10-binary.tar.gz': { body } });
    try {
      const err = await CIFAR10.load({ root: tmp.dir, download: true, mirrors: [server.url], progress: false }).catch(
        (e) => e,
      );
      expect(err.message).toContain(`expected c32a1d4ab5d03f1284b67883e8d87530, got ${md5(body)}`);
      expect(readdirSync(tmp.dir)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('refuses to extract an archive with escaping entries', async () => {
    writeFileSync(
      join(tmp.dir, 'cifar-10-binary.tar.gz'),
      tarGz([
        { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBatch(1) },
        { name: '../../outside.txt', data: 'x' },
      ]),
    );
    const err = await CIFAR10.load({ root: tmp.dir, extract: true }).catch((e) => e);
    expect(err.message).toContain('refusing to extract into');
    expect(err.message).toContain("'../../outside.txt' (path contains '..')");
  });
});

describe('CIFAR10 on the committed sample (samples/cifar-10-sample)', () => {
  it('holds the files of samples/README.md, byte for byte: records, sha256', () => {
    // its own section of the README (the Fashion-MNIST sample's table follows)
    const readme = readFileSync(join(SAMPLE, '..', 'README.md'), 'utf8').split('## fashion-mnist-sample/')[0]!;
    // | `data_batch_1.bin` | 1600 | 4,916,800 | `46adcb…` | …
    const rows = [...readme.matchAll(/^\| `([\w.]+)`\s*\|\s*([\d—]+)\s*\|\s*([\d,]+)\s*\|\s*`([0-9a-f]{64})`/gm)];
    expect(rows.map((r) => r[1])).toEqual(['data_batch_1.bin', 'test_batch.bin', 'batches.meta.txt']);
    for (const [, file, records, bytes, sha256] of rows) {
      const data = readFileSync(join(SAMPLE, file!));
      expect(data.length, file).toBe(Number(bytes!.replaceAll(',', '')));
      if (records !== '—') expect(data.length, file).toBe(Number(records) * 3073);
      expect(createHash('sha256').update(data).digest('hex'), file).toBe(sha256);
    }
    expect(readdirSync(SAMPLE).sort()).toEqual(['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin']);
  });

  it('loads the train part with the labels, counts and class names of its README', async () => {
    const warnings: string[] = [];
    const ds = await CIFAR10.load({ root: SAMPLE, onWarning: (m) => warnings.push(m) });
    expect(ds.length).toBe(1600);
    expect(Array.from(ds.targets.subarray(0, 10))).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    expect([0, 1, 2, 3, 4].map((i) => ds.classes[ds.targets[i]!])).toEqual([
      'frog',
      'truck',
      'truck',
      'deer',
      'automobile',
    ]);
    const counts = new Array(10).fill(0);
    for (const y of ds.targets) counts[y]++;
    expect(counts).toEqual([165, 166, 158, 152, 161, 140, 170, 160, 161, 167]);
    expect(ds.classes).toEqual([
      'airplane',
      'automobile',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ]);
    expect(ds.partial).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(ds.description).toContain('1600 of 50000 images (data_batch_1.bin has 1600 of 10000 records');
    // HWC matches the planar file: pixel (3, 4) of image 0
    const raw = readFileSync(join(SAMPLE, 'data_batch_1.bin'));
    const [img] = ds.getItem(0);
    const p = 3 * 32 + 4;
    expect(Array.from(img.data.subarray(p * 3, p * 3 + 3))).toEqual([raw[1 + p], raw[1 + 1024 + p], raw[1 + 2048 + p]]);
  });

  it('loads the test part and batches it through a DataLoader', async () => {
    const ds = await CIFAR10.load({
      root: SAMPLE,
      train: false,
      onWarning: () => {},
      transform: transforms.compose([
        transforms.toTensor(),
        transforms.normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
      ]),
    });
    expect(ds.length).toBe(1000);
    expect(Array.from(ds.targets.subarray(0, 10))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
    const counts = new Array(10).fill(0);
    for (const y of ds.targets) counts[y]++;
    expect(counts).toEqual([103, 89, 100, 103, 90, 86, 112, 102, 106, 109]);
    const before = tf.memory().numTensors;
    let images = 0;
    for await (const [x, y] of new DataLoader(ds, { batchSize: 256 })) {
      expect(x.shape.slice(1)).toEqual([3, 32, 32]);
      expect(y.dtype).toBe('int32');
      images += x.shape[0];
    }
    expect(images).toBe(1000);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('README example on the committed sample', () => {
  it('runs as written, with root pointing at the sample', async () => {
    const T = transforms;
    const augment = T.compose([
      T.randomCrop(32, { padding: 4 }),
      T.randomHorizontalFlip(),
      T.toTensor(),
      T.normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
    ]);
    const trainSet = await CIFAR10.load({ root: SAMPLE, train: true, transform: augment, onWarning: () => {} });
    const loader = new DataLoader(trainSet, { batchSize: 64, shuffle: true, seed: 0 });
    expect(loader.length).toBe(25); // 1600 images, 25 whole batches
    const before = tf.memory().numTensors;
    let n = 0;
    for await (const [x, y] of loader) {
      expect(x.shape).toEqual([64, 3, 32, 32]);
      expect([x.dtype, y.dtype]).toEqual(['float32', 'int32']);
      n++;
    }
    expect(n).toBe(25);
    expect(tf.memory().numTensors).toBe(before);
  });
});
