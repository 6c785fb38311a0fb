import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { checkIndex, Dataset } from '../dataset.js';
import type { ImageArray } from '../image-array.js';
import { loadImageFile } from './image-decode.js';

export interface ImageFolderOptions<X, Y> {
  transform?: (img: ImageArray) => X;
  targetTransform?: (label: number) => Y;
  /** file extensions taken as images, compared case-insensitively (default .png, .jpg, .jpeg) */
  extensions?: string[];
  /** reads one file (default: decode PNG/JPEG to 8-bit RGB, with `maxImagePixels`) */
  loader?: (path: string) => ImageArray;
  /** the default loader's decompression-bomb limit, PIL's MAX_IMAGE_PIXELS (default 89,478,485; null: none) */
  maxImagePixels?: number | null;
}

// Python sorts str by code point; JS's default sort compares UTF-16 units, which differs past U+FFFF.
const byCodePoint = (a: string, b: string): number => {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
};

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory(); // follows symlinks, as os.scandir's is_dir() does
  } catch {
    return false;
  }
}

// os.walk(followlinks=True) sorted by directory path, files sorted within each directory, as torchvision's make_dataset.
function walk(dir: string, out: { dir: string; files: string[] }[], seen: Set<string>): void {
  const real = statSync(dir);
  const key = `${real.dev}:${real.ino}`;
  if (seen.has(key)) return; // a symlink loop
  seen.add(key);
  const entries = readdirSync(dir, { withFileTypes: true });
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) dirs.push(e.name);
    else files.push(e.name);
  }
  out.push({ dir, files: files.sort(byCodePoint) });
  for (const d of dirs) walk(join(dir, d), out, seen);
}

/**
 * A folder per class of images, like torchvision.datasets.ImageFolder: `root/<class>/**\/*.png|jpg|jpeg`.
 * Classes are the sub-directory names sorted by code point (Python's sort), `classToIdx` maps them to labels,
 * and samples are listed as torchvision lists them. Images are read and decoded (to 8-bit RGB) when an item is
 * requested; a file that cannot be decoded raises an error naming it.
 */
export class ImageFolder<X = ImageArray, Y = number> extends Dataset<[X, Y]> {
  readonly root: string;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** [path, label] for every image, in order */
  readonly samples: [string, number][];
  readonly targets: number[];
  private readonly options: ImageFolderOptions<X, Y>;

  constructor(root: string, options: ImageFolderOptions<X, Y> = {}) {
    super();
    this.root = resolve(root);
    this.options = options;
    const extensions = (options.extensions ?? ['.png', '.jpg', '.jpeg']).map((e) => e.toLowerCase());
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch (err) {
      throw new Error(`ImageFolder: cannot read ${this.root}: ${(err as Error).message}`);
    }
    this.classes = names.filter((n) => isDir(join(this.root, n))).sort(byCodePoint);
    if (this.classes.length === 0) throw new Error(`ImageFolder: couldn't find any class folder in ${this.root}`);
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    this.samples = [];
    const empty: string[] = [];
    this.classes.forEach((cls, label) => {
      const dirs: { dir: string; files: string[] }[] = [];
      walk(join(this.root, cls), dirs, new Set());
      dirs.sort((a, b) => byCodePoint(a.dir, b.dir));
      let found = 0;
      for (const { dir, files } of dirs) {
        for (const f of files) {
          if (extensions.includes(extname(f).toLowerCase())) {
            this.samples.push([join(dir, f), label]);
            found++;
          }
        }
      }
      if (found === 0) empty.push(cls);
    });
    if (empty.length > 0) {
      throw new Error(
        `ImageFolder: found no valid file for the classes ${empty.sort(byCodePoint).join(', ')} in ${this.root}. Supported extensions are: ${extensions.join(', ')}`,
      );
    }
    this.targets = this.samples.map((s) => s[1]);
  }

  get length(): number {
    return this.samples.length;
  }

  getItem(index: number): [X, Y] {
    checkIndex(index, this.samples.length, 'ImageFolder');
    const [path, label] = this.samples[index]!;
    const { loader, maxImagePixels } = this.options;
    const img = loader ? loader(path) : loadImageFile(path, { maxImagePixels });
    const { transform, targetTransform } = this.options;
    return [
      transform ? transform(img) : (img as unknown as X),
      targetTransform ? targetTransform(label) : (label as unknown as Y),
    ];
  }
}
