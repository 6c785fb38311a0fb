import { Generator } from './generator.js';

/** The process-wide generator that init, Dropout and DataLoader shuffling draw from unless given their own. */
export const defaultGenerator = new Generator(Date.now() >>> 0);

/** Seeds the default generator, like torch.manual_seed. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}
