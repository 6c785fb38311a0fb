// murmur3's 32-bit finaliser: every input bit affects every output bit.
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit seed derived from a base seed and some counters (an epoch, a stream number): the same inputs give the
 * same seed, neighbouring inputs give unrelated ones. Seeding a generator per epoch with deriveSeed(seed, epoch)
 * makes epoch e's shuffle reproducible on its own, which is what resuming from a checkpoint needs.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`deriveSeed: expected a non-negative integer seed, got ${seed}`);
  let h = fmix32(seed + parts.length);
  parts.forEach((part, i) => {
    if (!Number.isInteger(part)) throw new Error(`deriveSeed: expected integer parts, got ${part}`);
    h = fmix32(h ^ fmix32((part + Math.imul(0x9e3779b9, i + 1)) >>> 0));
  });
  return h;
}

/** The random streams a training run derives per epoch from its seed; the initial weights use the seed itself. */
export const EPOCH_STREAMS = { shuffle: 1, augment: 2 } as const;

/**
 * Reseeds a run's data-order and augmentation generators for epoch `epoch` (0-based) from (seed, epoch) alone, so a
 * resumed run sees the same batches as an uninterrupted one. The stream numbers are part of every checkpoint's
 * continuation: changing them changes what resuming an existing run computes.
 */
export function seedEpoch(
  seed: number,
  epoch: number,
  generators: { shuffle: { manualSeed(seed: number): unknown }; augment?: { manualSeed(seed: number): unknown } },
): void {
  generators.shuffle.manualSeed(deriveSeed(seed, epoch, EPOCH_STREAMS.shuffle));
  generators.augment?.manualSeed(deriveSeed(seed, epoch, EPOCH_STREAMS.augment));
}
