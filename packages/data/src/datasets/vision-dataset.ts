import { checkIndex, Dataset } from '../dataset.js';
import type { ImageArray } from '../image-array.js';

export interface VisionDatasetOptions<X, Y> {
  /** applied to each image (a uint8 HWC ImageArray) when it is read, like torchvision's `transform` */
  transform?: (img: ImageArray) => X;
  /** applied to each label, like torchvision's `target_transform` */
  targetTransform?: (label: number) => Y;
}

/**
 * Images of one size held in one byte array (N × H × W × C, as torchvision's `.data`) with a label per image
 * (`.targets`). `getItem(i)` returns `[transform(image), targetTransform(label)]`; the image is a view into
 * `.data`, not a copy, so transforms must not write into their input.
 */
export class VisionDataset<X = ImageArray, Y = number> extends Dataset<[X, Y]> {
  readonly transform: ((img: ImageArray) => X) | undefined;
  readonly targetTransform: ((label: number) => Y) | undefined;
  private readonly imageSize: number;

  constructor(
    readonly data: Uint8Array,
    readonly targets: Uint8Array,
    readonly imageShape: { height: number; width: number; channels: number },
    readonly classes: readonly string[],
    options: VisionDatasetOptions<X, Y> = {},
  ) {
    super();
    this.imageSize = imageShape.height * imageShape.width * imageShape.channels;
    if (data.length !== targets.length * this.imageSize) {
      throw new Error(
        `VisionDataset: ${targets.length} labels need ${targets.length * this.imageSize} image bytes, got ${data.length}`,
      );
    }
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
  }

  get length(): number {
    return this.targets.length;
  }

  /** class name → index, like torchvision's `class_to_idx` */
  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /** the raw image at `index`, before any transform */
  image(index: number): ImageArray {
    checkIndex(index, this.targets.length, this.constructor.name);
    const s = this.imageSize;
    return { data: this.data.subarray(index * s, (index + 1) * s), ...this.imageShape };
  }

  getItem(index: number): [X, Y] {
    const img = this.image(index);
    const label = this.targets[index]!;
    return [
      this.transform ? this.transform(img) : (img as unknown as X),
      this.targetTransform ? this.targetTransform(label) : (label as unknown as Y),
    ];
  }
}
