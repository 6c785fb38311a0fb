/**
 * Bilinear resampling with antialiasing, as PIL's Image.resize(BILINEAR) (Pillow's Resample.c) and
 * torch.nn.functional.interpolate(mode='bilinear', antialias=True): when shrinking, the triangle filter is stretched
 * by the scale factor, so every input pixel under an output pixel counts (a plain bilinear resize reads only the
 * 2×2 nearest and aliases). Separable: the width first, then the height.
 */

/** One axis: for each output index, the first input index, how many follow, and their weights (summing to 1). */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  /** the stride of `weights` per output index */
  ksize: number;
}

/** Pillow's precompute_coeffs with its bilinear filter (support 1), which torch's antialiased kernel shares. */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  // multiplied by the inverse, as both do: dividing can round a weight differently
  const ss = 1 / filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * ksize);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = Math.max(0, 1 - Math.abs((x + xmin - center + 0.5) * ss));
      weights[o * ksize + x] = w;
      total += w;
    }
    if (total !== 0) for (let x = 0; x < xmax; x++) weights[o * ksize + x] = (weights[o * ksize + x] as number) / total;
    start[o] = xmin;
    count[o] = xmax;
  }
  return { start, count, weights, ksize };
}

// Pillow's 8-bit passes: weights in fixed point with 22 fractional bits, each pass rounded and clamped to 0..255.
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;

function fixedPoint(t: Taps): Float64Array {
  return t.weights.map((w) => Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE));
}

const clip8 = (acc: number) => (acc <= 0 ? 0 : acc >= 256 * ONE ? 255 : Math.floor(acc / ONE));

/**
 * Resamples `planes` images of h×w pixels with `c` interleaved channels ([planes][h][w][c], row-major) to oh×ow.
 * `exact8bit`: PIL's arithmetic for uint8 data (fixed-point weights, rounding after each pass); otherwise float64
 * throughout, as torch's antialiased interpolate to rounding.
 */
export function antialiasResample(
  src: ArrayLike<number>,
  dims: { planes: number; h: number; w: number; c: number; oh: number; ow: number },
  exact8bit: boolean,
): Float64Array {
  const { planes, h, w, c, oh, ow } = dims;
  let data: ArrayLike<number> = src;
  let width = w;
  if (ow !== w) {
    const t = taps(w, ow);
    const k = exact8bit ? fixedPoint(t) : t.weights;
    const out = new Float64Array(planes * h * ow * c);
    for (let row = 0; row < planes * h; row++) {
      for (let x = 0; x < ow; x++) {
        const x0 = t.start[x] as number;
        const n = t.count[x] as number;
        for (let ch = 0; ch < c; ch++) {
          let acc = exact8bit ? ONE / 2 : 0;
          for (let i = 0; i < n; i++)
            acc += (data[(row * w + x0 + i) * c + ch] as number) * (k[x * t.ksize + i] as number);
          out[(row * ow + x) * c + ch] = exact8bit ? clip8(acc) : acc;
        }
      }
    }
    data = out;
    width = ow;
  }
  if (oh === h) return Float64Array.from(data);
  const t = taps(h, oh);
  const k = exact8bit ? fixedPoint(t) : t.weights;
  const out = new Float64Array(planes * oh * width * c);
  const rowLen = width * c;
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < oh; y++) {
      const y0 = t.start[y] as number;
      const n = t.count[y] as number;
      for (let j = 0; j < rowLen; j++) {
        let acc = exact8bit ? ONE / 2 : 0;
        for (let i = 0; i < n; i++)
          acc += (data[(p * h + y0 + i) * rowLen + j] as number) * (k[y * t.ksize + i] as number);
        out[(p * oh + y) * rowLen + j] = exact8bit ? clip8(acc) : acc;
      }
    }
  }
  return out;
}
