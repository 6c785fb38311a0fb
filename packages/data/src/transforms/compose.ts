import { fuse } from './fusion.js';
import type { Transform } from './transform.js';

type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L] ? L : never;
type InputOf<T extends readonly Transform[]> = T extends readonly [infer F, ...unknown[]]
  ? F extends (x: infer I) => unknown
    ? I
    : never
  : unknown;
type OutputOf<T extends readonly Transform[]> = Last<T> extends (x: never) => infer O ? O : unknown;

/**
 * Applies transforms in order, like torchvision.transforms.Compose. The common image pipeline
 * `[randomCrop] [randomHorizontalFlip] toTensor [normalize]` runs as one pass over each image, with the same
 * random draws and bit-identical float32 results as the separate transforms (see fusion.ts).
 */
export function compose<const Ts extends readonly Transform[]>(transforms: Ts): Transform<InputOf<Ts>, OutputOf<Ts>> {
  const list = fuse(transforms);
  return (x: InputOf<Ts>) => {
    let v: unknown = x;
    for (const t of list) v = t(v);
    return v as OutputOf<Ts>;
  };
}
