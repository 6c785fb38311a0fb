import { defaultGenerator, type Generator } from '@trainkit/core';
import { cropPadded, type PaddingMode } from './crop.js';
import { tagged } from './fusion.js';
import { type ImageLike, layoutOf, sizePair } from './image-layout.js';

export interface RandomCropOptions {
  /** pixels added before cropping: n (all sides), [leftRight, topBottom] or [left, top, right, bottom] */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** pad an image smaller than the crop up to its size */
  padIfNeeded?: boolean;
  /** value(s) of constant padding: one, or one per channel */
  fill?: number | readonly number[];
  paddingMode?: PaddingMode;
  generator?: Generator;
}

/**
 * Pads, then crops a random `size` window, like torchvision.transforms.RandomCrop: top ~ randint(0, H − h + 1),
 * then left ~ randint(0, W − w + 1), drawn from `generator`; no draw when the window is the whole image.
 * Works on uint8 HWC ImageArrays and on ArrayTensors [..., H, W].
 */
export function randomCrop(
  size: number | readonly [number, number],
  options: RandomCropOptions = {},
): <T extends ImageLike>(img: T) => T {
  const [th, tw] = sizePair(size, 'randomCrop');
  const [pl, pt, pr, pb] = paddingLTRB(options.padding ?? 0);
  const mode = options.paddingMode ?? 'constant';
  const fill = options.fill ?? 0;
  const g = options.generator ?? defaultGenerator;
  // The window's top-left corner in the image's coordinates (negative inside the padding), drawn as torchvision does.
  const drawWindow = (height: number, width: number): [number, number] => {
    let h = height + pt + pb;
    let w = width + pl + pr;
    let top = -pt;
    let left = -pl;
    // pad_if_needed pads both sides by the shortfall, as torchvision's F.pad(img, [shortfall, 0]) does
    if (options.padIfNeeded && w < tw) {
      const d = tw - w;
      left -= d;
      w += 2 * d;
    }
    if (options.padIfNeeded && h < th) {
      const d = th - h;
      top -= d;
      h += 2 * d;
    }
    if (h < th || w < tw) {
      throw new Error(
        `randomCrop: required crop size (${th}, ${tw}) is larger than the (padded) input image size (${h}, ${w})`,
      );
    }
    if (h !== th || w !== tw) {
      top += g.randint(0, h - th + 1);
      left += g.randint(0, w - tw + 1);
    }
    return [top, left];
  };
  const transform = <T extends ImageLike>(img: T): T => {
    const { height, width } = layoutOf(img, 'randomCrop');
    const [top, left] = drawWindow(height, width);
    return cropPadded(img, top, left, th, tw, mode, fill, 'randomCrop');
  };
  return tagged(transform, { kind: 'randomCrop', height: th, width: tw, mode, fill, drawWindow });
}

function paddingLTRB(p: RandomCropOptions['padding']): [number, number, number, number] {
  const v: number[] = typeof p === 'number' ? [p, p, p, p] : p!.length === 2 ? [p![0], p![1], p![0], p![1]] : [...p!];
  if (v.length !== 4 || v.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new Error(
      `randomCrop: padding should be a non-negative integer, [lr, tb] or [l, t, r, b], got ${JSON.stringify(p)}`,
    );
  }
  return v as [number, number, number, number];
}
