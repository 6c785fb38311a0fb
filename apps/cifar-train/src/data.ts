import { join, resolve } from 'node:path';
import { CliError, type Generator } from '@trainkit/core';
import {
  CIFAR10,
  CIFAR10_ARCHIVE,
  CIFAR10_ARCHIVE_MD5,
  DatasetNotFoundError,
  type ImageArray,
  type MapDataset,
  Subset,
  transforms,
} from '@trainkit/data';
import type { CifarConfig } from './config.js';

export type CifarSample = [ImageArray, number];

export interface CifarSplit {
  dataset: MapDataset<CifarSample>;
  classes: readonly string[];
  /** what was loaded from where */
  description: string;
}

function firstN<T>(dataset: MapDataset<T>, n: number | undefined): MapDataset<T> {
  if (n === undefined || n >= dataset.length) return dataset;
  return new Subset(
    dataset,
    Int32Array.from({ length: n }, (_, i) => i),
  );
}

/**
 * One CIFAR-10 split as the tutorial uses it: images as they are (the DataLoader's collate turns the uint8 HWC
 * images into NCHW floats in [0, 1], what ToTensor gives), cut to --limit-train/--limit-test. Downloaded into
 * --data-dir when absent (with --download); a partial set such as the shared sample is used as it is.
 */
export async function loadCifarSplit(
  config: CifarConfig,
  split: 'train' | 'test',
  transform?: (img: ImageArray) => ImageArray,
): Promise<CifarSplit> {
  let dataset: CIFAR10<ImageArray>;
  try {
    dataset = await CIFAR10.load<ImageArray>({
      root: config.dataDir,
      train: split === 'train',
      download: config.download,
      progress: config.progress,
      // the description below says when the set is partial
      onWarning: () => {},
      ...(transform ? { transform } : {}),
    });
  } catch (err) {
    if (err instanceof DatasetNotFoundError && !config.download) throw new CliError(notFound(config.dataDir, split));
    throw err;
  }
  const limit = split === 'train' ? config.limitTrain : config.limitTest;
  const cut = limit !== undefined && limit < dataset.length ? ` — using the first ${limit} (--limit-${split})` : '';
  return { dataset: firstN(dataset, limit), classes: dataset.classes, description: `${dataset.description}${cut}` };
}

function notFound(dataDir: string, split: 'train' | 'test'): string {
  const root = resolve(dataDir);
  const files = split === 'train' ? 'data_batch_1.bin … data_batch_5.bin' : 'test_batch.bin';
  return [
    `--data-dir ${root}: no CIFAR-10 ${split} split there, and --no-download forbids fetching it. Either`,
    `  - put ${CIFAR10_ARCHIVE} (md5 ${CIFAR10_ARCHIVE_MD5}, from https://www.cs.toronto.edu/~kriz/cifar.html) in ${root},`,
    `  - or put the extracted ${files} and batches.meta.txt in ${join(root, 'cifar-10-batches-bin')},`,
    '  - or run without --no-download to download it (170 MB).',
  ].join('\n');
}

/**
 * --augment: a random 32×32 crop of the image padded by 4 pixels, then a random horizontal flip, drawing from
 * `generator` so that reseeding it per epoch makes the augmentation reproducible.
 */
export function augmentation(generator: Generator): (img: ImageArray) => ImageArray {
  return transforms.compose([
    transforms.randomCrop(32, { padding: 4, generator }),
    transforms.randomHorizontalFlip(0.5, { generator }),
  ]) as (img: ImageArray) => ImageArray;
}
