import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ImageArray } from '../image-array.js';
import { DataFileError } from '../io/data-file-error.js';
import { DownloadError, downloadFile } from '../io/download.js';
import { extractTar } from '../io/extract-tar.js';
import { gunzipFile } from '../io/gzip.js';
import { checkMd5 } from '../io/md5.js';
import { readRegularFile, regularFileSize } from '../io/read-regular-file.js';
import { readTar } from '../io/tar-reader.js';
import { type DatasetNotFoundDetails, DatasetNotFoundError } from './dataset-not-found-error.js';
import { type DownloadSettings, mirrorUrls, progressCallback } from './download-settings.js';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';

/** One record of the binary version: a label byte, then 1024 R, 1024 G and 1024 B bytes (32×32, row-major). */
export const CIFAR_RECORD_BYTES = 3073;
const PIXELS = 1024;
const IMAGE_BYTES = 3072;
/** records per batch file in the official distribution */
export const CIFAR_BATCH_RECORDS = 10_000;

export const CIFAR10_ARCHIVE = 'cifar-10-binary.tar.gz';
export const CIFAR10_ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const CIFAR10_FOLDER = 'cifar-10-batches-bin';
export const CIFAR10_MIRRORS = ['https://www.cs.toronto.edu/~kriz/'];
export const CIFAR10_CLASSES = [
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
];
export const CIFAR10_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
];
export const CIFAR10_TEST_FILES = ['test_batch.bin'];
const META = 'batches.meta.txt';
// the official file is 61 bytes; anything past this is not a list of ten names
const MAX_META_BYTES = 1 << 16;

export interface CIFAR10Options<X, Y> extends VisionDatasetOptions<X, Y>, DownloadSettings {
  /**
   * where to look, in order: `root` itself holding the .bin files, `root/cifar-10-batches-bin/`, then
   * `root/cifar-10-binary.tar.gz` (read straight from the archive, no extraction)
   */
  root: string;
  /** the 50,000-image training split (default) or the 10,000-image test split */
  train?: boolean;
  /** download cifar-10-binary.tar.gz into root when nothing is found (default false) */
  download?: boolean;
  /** extract the archive into root/cifar-10-batches-bin/ and read from there (default false: read the archive) */
  extract?: boolean;
  /**
   * md5 the archive must have. A download is always checked (default: the official c32a1d4a…); an archive already
   * in root is checked only when this is given, before anything is read from it or extracted.
   */
  md5?: string;
  /** receives the note about a partial dataset (default: console.warn) */
  onWarning?: (message: string) => void;
}

/** Checks a batch file's bytes and writes its images (as HWC) and labels at record `at`. Returns the record count. */
export function decodeCifarRecords(
  bytes: Uint8Array,
  file: string,
  images: Uint8Array,
  labels: Uint8Array,
  at: number,
  classes: number,
): number {
  if (bytes.length === 0) throw emptyBatch(file);
  const n = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
  const rest = bytes.length - n * CIFAR_RECORD_BYTES;
  if (rest !== 0) {
    throw new DataFileError(
      `${file}: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records: ${n} records, then ${rest} bytes of an incomplete record at byte offset ${n * CIFAR_RECORD_BYTES} (truncated or corrupted)`,
      { file, offset: n * CIFAR_RECORD_BYTES, expected: `a multiple of ${CIFAR_RECORD_BYTES}`, actual: bytes.length },
    );
  }
  for (let r = 0; r < n; r++) decodeRecord(bytes, r * CIFAR_RECORD_BYTES, file, r, images, labels, at + r, classes);
  return n;
}

// an empty batch file would load as a split with no images, reported only as "partial"
const emptyBatch = (file: string) =>
  new DataFileError(`${file}: empty file, expected ${CIFAR_RECORD_BYTES}-byte records`, {
    file,
    offset: 0,
    expected: `a multiple of ${CIFAR_RECORD_BYTES}`,
    actual: 0,
  });

function decodeRecord(
  src: Uint8Array,
  o: number,
  file: string,
  record: number,
  images: Uint8Array,
  labels: Uint8Array,
  to: number,
  classes: number,
): void {
  const label = src[o]!;
  if (label >= classes) {
    throw new DataFileError(
      `${file}: label ${label} at byte offset ${o} (record ${record}) is out of range 0–${classes - 1}`,
      {
        file,
        offset: o,
        expected: `0–${classes - 1}`,
        actual: label,
      },
    );
  }
  labels[to] = label;
  // planar RGB → interleaved HWC, as torchvision's `data.transpose((0, 2, 3, 1))`
  const r = o + 1;
  const g = r + PIXELS;
  const b = g + PIXELS;
  let d = to * IMAGE_BYTES;
  for (let p = 0; p < PIXELS; p++) {
    images[d++] = src[r + p]!;
    images[d++] = src[g + p]!;
    images[d++] = src[b + p]!;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The class names of batches.meta.txt, one per line: the file must be UTF-8 text without control characters and
 * name exactly the 10 classes the labels 0–9 index, so that a damaged file is blamed, not the batch files read with it.
 */
export function parseCifarMeta(bytes: Uint8Array, file: string): string[] {
  if (bytes.length > MAX_META_BYTES) {
    throw new DataFileError(`${file}: ${bytes.length} bytes, too large for a list of class names`, {
      file,
      expected: `≤ ${MAX_META_BYTES} bytes`,
      actual: bytes.length,
    });
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    // the first byte where a strict decoder gives up: decode growing prefixes is O(n²); find it by scanning instead
    const at = firstInvalidUtf8(bytes);
    throw new DataFileError(
      `${file}: not UTF-8 text: invalid byte 0x${bytes[at]?.toString(16).padStart(2, '0')} at byte offset ${at}`,
      {
        file,
        offset: at,
        expected: 'UTF-8 text, one class name per line',
      },
    );
  }
  // in UTF-8 every byte below 0x80 is its own character, so the byte offset is the position
  const at = bytes.findIndex((c) => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f);
  if (at >= 0) {
    throw new DataFileError(
      `${file}: control character 0x${bytes[at]!.toString(16).padStart(2, '0')} at byte offset ${at}; expected one class name per line`,
      { file, offset: at, expected: 'one class name per line' },
    );
  }
  const names = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (names.length !== CIFAR10_CLASSES.length) {
    throw new DataFileError(
      `${file}: ${names.length} class names, but CIFAR-10's labels 0–9 need ${CIFAR10_CLASSES.length} (one per line)`,
      { file, expected: CIFAR10_CLASSES.length, actual: names.length },
    );
  }
  return names;
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return Math.min(i, b.length - 1);
}

interface Loaded {
  images: Uint8Array;
  labels: Uint8Array;
  classes: string[];
  counts: Map<string, number>;
  metaFound: boolean;
  source: string;
}

function hasCifarFiles(dir: string): boolean {
  return [...CIFAR10_TRAIN_FILES, ...CIFAR10_TEST_FILES].some((f) => existsSync(join(dir, f)));
}

/** Where under a root CIFAR10.load reads the binary version from: a directory of .bin files, or the archive. */
export interface Cifar10Location {
  kind: 'directory' | 'archive';
  /** the directory holding the .bin files, or the path of cifar-10-binary.tar.gz */
  path: string;
}

/**
 * What `CIFAR10.load({ root })` would read, in its search order — the .bin files in `root` itself, in
 * `root/cifar-10-batches-bin/`, then `root/cifar-10-binary.tar.gz` — or undefined when none is there (load then
 * downloads with `download: true`, else throws DatasetNotFoundError). Looks at file names only: for a program that
 * picks a data directory before loading (the app's `pnpm start` falls back to a sample when its default is empty).
 */
export function locateCifar10(root: string): Cifar10Location | undefined {
  const dir = resolve(root);
  const folder = join(dir, CIFAR10_FOLDER);
  const archive = join(dir, CIFAR10_ARCHIVE);
  if (hasCifarFiles(dir)) return { kind: 'directory', path: dir };
  if (hasCifarFiles(folder)) return { kind: 'directory', path: folder };
  if (existsSync(archive)) return { kind: 'archive', path: archive };
  return undefined;
}

async function loadFromDirectory(dir: string, files: string[]): Promise<Loaded> {
  const present: { file: string; records: number }[] = [];
  for (const f of files) {
    const path = join(dir, f);
    if (!existsSync(path)) continue;
    // a directory or FIFO under a batch file's name is refused here, before any read
    const size = regularFileSize(path);
    present.push({ file: f, records: Math.floor(size / CIFAR_RECORD_BYTES) });
  }
  const metaPath = join(dir, META);
  const metaFound = existsSync(metaPath);
  const classes = metaFound ? parseCifarMeta(readRegularFile(metaPath), metaPath) : CIFAR10_CLASSES;
  const total = present.reduce((a, p) => a + p.records, 0);
  const images = new Uint8Array(total * IMAGE_BYTES);
  const labels = new Uint8Array(total);
  const counts = new Map<string, number>();
  let at = 0;
  for (const { file, records } of present) {
    // one file in memory at a time, besides the dataset
    const path = join(dir, file);
    const bytes = readRegularFile(path);
    if (Math.floor(bytes.length / CIFAR_RECORD_BYTES) !== records) {
      throw new DataFileError(`${path}: changed size while being read`, { file: path });
    }
    const n = decodeCifarRecords(bytes, path, images, labels, at, classes.length);
    counts.set(file, n);
    at += n;
  }
  return { images, labels, classes, counts, metaFound, source: dir };
}

async function loadFromArchive(archive: string, files: string[]): Promise<Loaded> {
  // Records are decoded as the gunzipped stream passes, into a slot of CIFAR_BATCH_RECORDS per expected file, so
  // neither the 170 MB archive nor a file's raw bytes are ever held whole.
  const capacity = files.length * CIFAR_BATCH_RECORDS;
  const images = new Uint8Array(capacity * IMAGE_BYTES);
  const labels = new Uint8Array(capacity);
  const counts = new Map<string, number>();
  let metaText: Uint8Array | undefined;
  let metaName = META;
  const seen = new Set<string>();
  const wanted = new Set([...files, META]);
  await readTar(
    gunzipFile(archive),
    (entry) => {
      const name = basename(entry.name);
      if (entry.type !== 'file' || !wanted.has(name) || seen.has(name)) return undefined;
      seen.add(name);
      const where = `${archive}:${entry.name}`;
      if (name === META) {
        if (entry.size > MAX_META_BYTES) {
          throw new DataFileError(`${where}: ${entry.size} bytes, too large for a list of class names`, {
            file: where,
            expected: `≤ ${MAX_META_BYTES} bytes`,
            actual: entry.size,
          });
        }
        const parts: Uint8Array[] = [];
        return {
          write: (c) => {
            parts.push(c.slice());
          },
          end: () => {
            metaText = Buffer.concat(parts);
            metaName = entry.name;
          },
        };
      }
      if (entry.size === 0) throw emptyBatch(where);
      const slot = files.indexOf(name);
      const records = Math.floor(entry.size / CIFAR_RECORD_BYTES);
      if (records > CIFAR_BATCH_RECORDS) {
        throw new DataFileError(
          `${where}: ${records} records, but an official batch file holds at most ${CIFAR_BATCH_RECORDS}`,
          {
            file: where,
            expected: CIFAR_BATCH_RECORDS,
            actual: records,
          },
        );
      }
      const carry = new Uint8Array(CIFAR_RECORD_BYTES);
      let carried = 0;
      let record = 0;
      const base = slot * CIFAR_BATCH_RECORDS;
      return {
        write: (chunk) => {
          let i = 0;
          if (carried > 0) {
            const take = Math.min(CIFAR_RECORD_BYTES - carried, chunk.length);
            carry.set(chunk.subarray(0, take), carried);
            carried += take;
            i = take;
            if (carried < CIFAR_RECORD_BYTES) return;
            decodeRecord(carry, 0, where, record, images, labels, base + record, 10);
            record++;
            carried = 0;
          }
          while (chunk.length - i >= CIFAR_RECORD_BYTES && record < records) {
            decodeRecord(chunk, i, where, record, images, labels, base + record, 10);
            record++;
            i += CIFAR_RECORD_BYTES;
          }
          if (i < chunk.length) {
            carry.set(chunk.subarray(i), 0);
            carried = chunk.length - i;
          }
        },
        end: () => {
          if (carried > 0 || record !== records) {
            const at = record * CIFAR_RECORD_BYTES;
            throw new DataFileError(
              `${where}: ${entry.size} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records: ${record} records, then ${entry.size - at} bytes of an incomplete record at byte offset ${at} (truncated or corrupted)`,
              { file: where, offset: at, expected: `a multiple of ${CIFAR_RECORD_BYTES}`, actual: entry.size },
            );
          }
          counts.set(name, records);
        },
      };
    },
    // read to the end, not only to the files wanted: a truncated or corrupt archive is refused even when its damage
    // lies past them (the other split's batch), as its md5 would be
    { file: archive },
  );
  const classes = metaText !== undefined ? parseCifarMeta(metaText, `${archive}:${metaName}`) : CIFAR10_CLASSES;
  // close the gaps left by short or missing files, in file order
  let at = 0;
  for (let k = 0; k < files.length; k++) {
    const n = counts.get(files[k]!) ?? 0;
    const from = k * CIFAR_BATCH_RECORDS;
    if (from !== at && n > 0) {
      images.copyWithin(at * IMAGE_BYTES, from * IMAGE_BYTES, (from + n) * IMAGE_BYTES);
      labels.copyWithin(at, from, from + n);
    }
    at += n;
  }
  for (let i = 0; i < at; i++) {
    if (labels[i]! >= classes.length) {
      throw new DataFileError(
        `${archive}: label ${labels[i]} is out of range for the ${classes.length} classes in ${META}`,
        {
          file: archive,
          expected: `0–${classes.length - 1}`,
          actual: labels[i],
        },
      );
    }
  }
  return {
    images: at === capacity ? images : images.subarray(0, at * IMAGE_BYTES),
    labels: at === capacity ? labels : labels.subarray(0, at),
    classes,
    counts,
    metaFound: metaText !== undefined,
    source: archive,
  };
}

/**
 * CIFAR-10, like torchvision.datasets.CIFAR10 but from the official binary version: items are `[image, label]`
 * with a 32×32×3 uint8 ImageArray. Reads `data_batch_1.bin` … `data_batch_5.bin` (train) or `test_batch.bin`
 * (test) and `batches.meta.txt` from a directory, or streams them out of `cifar-10-binary.tar.gz`. A directory with
 * fewer files or records (like a sample) loads what is there, sets `partial` and warns once.
 */
export class CIFAR10<X = ImageArray, Y = number> extends VisionDataset<X, Y> {
  /** true when files or records of the official split are missing */
  readonly partial: boolean;
  /** what was loaded from where, and what is missing when partial */
  readonly description: string;

  private constructor(loaded: Loaded, partial: boolean, description: string, options: VisionDatasetOptions<X, Y>) {
    super(loaded.images, loaded.labels, { height: 32, width: 32, channels: 3 }, loaded.classes, options);
    this.partial = partial;
    this.description = description;
  }

  static async load<X = ImageArray, Y = number>(options: CIFAR10Options<X, Y>): Promise<CIFAR10<X, Y>> {
    if (!options?.root)
      throw new Error(`CIFAR10.load: give root, the directory that holds ${CIFAR10_FOLDER}/ or ${CIFAR10_ARCHIVE}`);
    const root = resolve(options.root);
    const train = options.train ?? true;
    const split = train ? 'train' : 'test';
    const files = train ? CIFAR10_TRAIN_FILES : CIFAR10_TEST_FILES;
    const folder = join(root, CIFAR10_FOLDER);
    const archive = join(root, CIFAR10_ARCHIVE);
    const md5 = options.md5 ?? CIFAR10_ARCHIVE_MD5;
    const place = `Place ${CIFAR10_ARCHIVE} (md5 ${CIFAR10_ARCHIVE_MD5}) in ${root}, or its files ${[...CIFAR10_TRAIN_FILES, ...CIFAR10_TEST_FILES, META].join(', ')} in ${folder}`;

    const notFound = (downloadOption?: 'download'): DatasetNotFoundDetails => ({
      dataset: 'CIFAR10',
      split,
      directory: root,
      files: [CIFAR10_ARCHIVE],
      md5: { [CIFAR10_ARCHIVE]: md5 },
      alternatives: [{ directory: folder, files: [...files, META] }],
      downloadOption,
    });

    const found = locateCifar10(root);
    let dir = found?.kind === 'directory' ? found.path : undefined;
    if (!found) {
      if (!options.download) {
        throw new DatasetNotFoundError(
          `CIFAR10: no CIFAR-10 binary files in ${root} or ${folder}, and no ${archive}. ${place}, or pass download: true.`,
          notFound('download'),
        );
      }
      try {
        await downloadFile(mirrorUrls(options.mirrors ?? CIFAR10_MIRRORS, CIFAR10_ARCHIVE), archive, {
          md5,
          fetch: options.fetch,
          timeoutMs: options.timeoutMs,
          onProgress: progressCallback(options.progress),
        });
      } catch (err) {
        if (!(err instanceof DownloadError)) throw err;
        throw new DatasetNotFoundError(
          `CIFAR10: ${err.message}\nWithout network: ${place}, and run again.`,
          notFound(),
          {
            cause: err,
          },
        );
      }
    }
    if (!dir && found && options.md5 !== undefined) await checkMd5(archive, options.md5);
    if (!dir && options.extract) {
      await extractTar(archive, root);
      dir = folder;
    }
    const loaded = dir ? await loadFromDirectory(dir, files) : await loadFromArchive(archive, files);
    if (loaded.counts.size === 0) {
      // the archive or directory is there but lacks the split: downloading would not replace it
      throw new DatasetNotFoundError(
        `CIFAR10: the ${split} split is not in ${loaded.source}: ${files.join(', ')} missing. ${place}.`,
        { dataset: 'CIFAR10', split, directory: loaded.source, files },
      );
    }
    const notes: string[] = [];
    const missing = files.filter((f) => !loaded.counts.has(f));
    for (const [f, n] of loaded.counts)
      if (n < CIFAR_BATCH_RECORDS) notes.push(`${f} has ${n} of ${CIFAR_BATCH_RECORDS} records`);
    if (missing.length) notes.push(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
    const n = loaded.labels.length;
    const expected = files.length * CIFAR_BATCH_RECORDS;
    const partial = notes.length > 0;
    if (!loaded.metaFound) notes.push(`${META} is missing, so the official class names are used`);
    const description = partial
      ? `partial CIFAR-10 ${split} split from ${loaded.source}: ${n} of ${expected} images (${notes.join('; ')})`
      : `CIFAR-10 ${split} split from ${loaded.source}: ${n} images${notes.length ? ` (${notes.join('; ')})` : ''}`;
    if (notes.length) (options.onWarning ?? ((m: string) => console.warn(m)))(`CIFAR10: ${description}`);
    return new CIFAR10(loaded, partial, description, options);
  }
}
