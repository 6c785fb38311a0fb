/**
 * A seedable pseudo-random source, the counterpart of torch.Generator. mt19937 like PyTorch's CPU generator,
 * so a state is 624 words plus an index and round-trips through checkpoints. The sequences are not PyTorch's
 * (its tensors draw in its own order); conformance tests load PyTorch's weights instead of re-drawing them.
 */
export class Generator {
  private mt = new Uint32Array(624);
  private index = 625;
  private spareNormal: number | undefined;
  private seedValue = 0;

  constructor(seed = 5489) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isInteger(seed) || seed < 0)
      throw new Error(`Generator.manualSeed: expected a non-negative integer, got ${seed}`);
    this.seedValue = seed;
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
    this.spareNormal = undefined;
    return this;
  }

  initialSeed(): number {
    return this.seedValue;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** Standard normal by the Box–Muller transform (pairs cached). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [low, high). */
  randint(low: number, high: number): number {
    if (high <= low) throw new Error(`Generator.randint: empty range [${low}, ${high})`);
    return low + Math.floor(this.random() * (high - low));
  }

  /** A random permutation of 0..n-1 (Fisher–Yates), like torch.randperm. */
  randperm(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** A seed for a tfjs random op, so that op draws reproducibly from this generator's stream. */
  nextSeed(): number {
    return this.nextUint32();
  }

  getState(): GeneratorState {
    return { seed: this.seedValue, mt: Array.from(this.mt), index: this.index, spareNormal: this.spareNormal ?? null };
  }

  setState(state: GeneratorState): this {
    if (!Array.isArray(state.mt) || state.mt.length !== 624) {
      throw new Error(
        `Generator.setState: expected 624 state words, got ${Array.isArray(state.mt) ? state.mt.length : typeof state.mt}`,
      );
    }
    this.seedValue = state.seed;
    this.mt = Uint32Array.from(state.mt);
    this.index = state.index;
    this.spareNormal = state.spareNormal ?? undefined;
    return this;
  }
}

export interface GeneratorState {
  seed: number;
  mt: number[];
  index: number;
  spareNormal: number | null;
}
