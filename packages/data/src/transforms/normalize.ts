import { type ArrayTensor, describeSample, isArrayTensor } from '../image-array.js';
import { tagged } from './fusion.js';
import type { Transform } from './transform.js';

/**
 * (x − mean[c]) / std[c] per channel of a float ArrayTensor [..., C, H, W], as torchvision.transforms.Normalize.
 * Computed in float32 like PyTorch (subtract, round to float32, divide), so the values match it bit for bit.
 * `inplace` writes into the input, which must then be an array the pipeline made (e.g. toTensor's output), never
 * a view into a dataset.
 */
export function normalize(
  mean: readonly number[],
  std: readonly number[],
  options: { inplace?: boolean } = {},
): Transform<ArrayTensor, ArrayTensor<Float32Array>> {
  const m = mean.map((v) => Math.fround(v));
  const s = std.map((v) => Math.fround(v));
  s.forEach((v, i) => {
    if (v === 0) throw new Error(`normalize: std[${i}] is 0 in float32, which would divide by zero`);
  });
  const inplace = options.inplace ?? false;
  const fn = (x: ArrayTensor): ArrayTensor<Float32Array> => {
    if (!isArrayTensor(x) || !(x.data instanceof Float32Array || x.data instanceof Float64Array)) {
      throw new TypeError(
        `normalize: expected a float ArrayTensor [..., C, H, W] (apply toTensor first), got ${describeSample(x)}`,
      );
    }
    const shape = x.shape;
    if (shape.length < 3) throw new Error(`normalize: expected shape [..., C, H, W], got [${shape.join(', ')}]`);
    const c = shape[shape.length - 3]!;
    if ((m.length !== c && m.length !== 1) || (s.length !== c && s.length !== 1)) {
      throw new Error(`normalize: mean has ${m.length} and std ${s.length} values, but the image has ${c} channels`);
    }
    const plane = shape[shape.length - 2]! * shape[shape.length - 1]!;
    const src = x.data;
    const out = inplace && src instanceof Float32Array ? src : new Float32Array(src.length);
    const planes = src.length / plane;
    for (let p = 0; p < planes; p++) {
      const ch = p % c;
      const mc = m.length === 1 ? m[0]! : m[ch]!;
      const sc = s.length === 1 ? s[0]! : s[ch]!;
      const base = p * plane;
      for (let i = base; i < base + plane; i++) out[i] = Math.fround(src[i]! - mc) / sc;
    }
    return { data: out, shape: shape.slice() };
  };
  return tagged(fn, { kind: 'normalize', mean: [...mean], std: [...std] });
}
