import { resolve } from 'node:path';
import type { Generator } from '@trainkit/core';
import { CIFAR10, DatasetNotFoundError, type ImageArray, type MapDataset, Subset, transforms } from '@trainkit/data';
import { CliError } from '@trainkit/train';
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
 * --data-dir when absent (with --download); a partial set such as the repository's sample is used as it is.
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
    // downloadOption: passing --download would fetch what is missing (not so when the archive lacks the split)
    if (err instanceof DatasetNotFoundError && err.downloadOption) throw new CliError(notFound(config.dataDir, err));
    throw err;
  }
  const limit = split === 'train' ? config.limitTrain : config.limitTest;
  const cut = limit !== undefined && limit < dataset.length ? ` — using the first ${limit} (--limit-${split})` : '';
  return { dataset: firstN(dataset, limit), classes: dataset.classes, description: `${dataset.description}${cut}` };
}

/**
 * Both splits for training, said in the log: the training images augmented with `augment`'s generator when
 * --augment is on (see augmentation()).
 */
export async function loadCifar(
  config: CifarConfig,
  { augment, log }: { augment: Generator; log: (line: string) => void },
): Promise<{ train: CifarSplit; test: CifarSplit }> {
  const train = await loadCifarSplit(config, 'train', config.augment ? augmentation(augment) : undefined);
  const test = await loadCifarSplit(config, 'test');
  log(`train set: ${train.dataset.length} images — ${train.description}`);
  log(`test set: ${test.dataset.length} images — ${test.description}`);
  return { train, test };
}

/** The library's "not found", said with this CLI's flags instead of its `download: true`. */
function notFound(dataDir: string, err: DatasetNotFoundError): string {
  const withMd5 = (f: string) => (err.md5[f] ? `${f} (md5 ${err.md5[f]})` : f);
  return [
    `--data-dir ${resolve(dataDir)}: no CIFAR-10 ${err.split} split there, and --no-download forbids fetching it. Either`,
    `  - put ${err.files.map(withMd5).join(', ')} (from https://www.cs.toronto.edu/~kriz/cifar.html) in ${err.directory},`,
    ...err.alternatives.map((a) => `  - or put the extracted ${a.files.join(', ')} in ${a.directory},`),
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
