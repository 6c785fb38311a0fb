import { defaultGenerator, type Generator } from '@trainkit/core';
import { tagged } from './fusion.js';
import { allocLike, type ImageLike, layoutOf, withData } from './image-layout.js';

/** Mirrors left–right. */
export function hflip<T extends ImageLike>(img: T): T {
  const { planes, height, width, interleaved: c } = layoutOf(img, 'hflip');
  const src = img.data;
  const out = allocLike(src, src.length);
  const row = width * c;
  for (let r = 0; r < planes * height; r++) {
    const base = r * row;
    if (c === 1) {
      for (let x = 0; x < width; x++) out[base + x] = src[base + width - 1 - x]!;
    } else if (c === 3) {
      for (let d = base, s = base + (width - 1) * 3; d < base + row; d += 3, s -= 3) {
        out[d] = src[s]!;
        out[d + 1] = src[s + 1]!;
        out[d + 2] = src[s + 2]!;
      }
    } else {
      for (let x = 0; x < width; x++) {
        const d = base + x * c;
        const s = base + (width - 1 - x) * c;
        for (let k = 0; k < c; k++) out[d + k] = src[s + k]!;
      }
    }
  }
  return withData(img, out, height, width);
}

/**
 * Flips with probability p (default 0.5), like torchvision.transforms.RandomHorizontalFlip: one draw per call
 * (`generator.random() < p`). An image that is not flipped is returned as it came.
 */
export function randomHorizontalFlip(
  p = 0.5,
  options: { generator?: Generator } = {},
): <T extends ImageLike>(img: T) => T {
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p should be in [0, 1], got ${p}`);
  const g = options.generator ?? defaultGenerator;
  const draw = () => g.random() < p;
  return tagged(<T extends ImageLike>(img: T): T => (draw() ? hflip(img) : img), {
    kind: 'randomHorizontalFlip',
    draw,
  });
}
