import type { Transform } from './transform.js';

/** A user function as a transform, like torchvision.transforms.Lambda. */
export function lambda<I, O>(fn: (x: I) => O): Transform<I, O> {
  if (typeof fn !== 'function') throw new TypeError(`lambda: expected a function, got ${typeof fn}`);
  return (x: I) => fn(x);
}
