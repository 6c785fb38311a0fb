import { defaultGenerator, type Generator } from '@trainkit/core';
import { isImageArray } from '../image-array.js';
import { allocLike, type ImageLike, layoutOf, withData } from './image-layout.js';

export interface RotateOptions {
  /** grow the output to hold the whole rotated image (default false: the input's size, corners cut) */
  expand?: boolean;
  /** the centre of rotation [x, y] in pixels from the top-left corner (default the image's centre) */
  center?: readonly [number, number];
  /** the value(s) of pixels outside the rotated image: one, or one per channel (default 0) */
  fill?: number | readonly number[];
}

export interface RandomRotationOptions extends RotateOptions {
  generator?: Generator;
}

/** Python's round(v, 15), which PIL applies to the rotation matrix (equal but for exact decimal ties). */
const round15 = (v: number) => Number(v.toFixed(15));

/** C's (int) of a double, as PIL's FLOOR and COORD use it. */
const floorInt = (v: number) => (v < 0 ? Math.floor(v) : Math.trunc(v));

/**
 * Rotates counter-clockwise by `angle` degrees with nearest-neighbour sampling, as torchvision's F.rotate on a PIL
 * image (PIL's Image.rotate with NEAREST): multiples of 90° about the centre are exact transposes; any other angle
 * maps each output pixel centre back through PIL's inverse matrix (rounded to 15 decimals) in PIL's 16.16 fixed
 * point, so every pixel comes from the same source pixel as in PIL. Works on uint8 HWC ImageArrays and ArrayTensors.
 */
export function rotate<T extends ImageLike>(img: T, angle: number, options: RotateOptions = {}): T {
  if (!Number.isFinite(angle)) throw new Error(`rotate: angle should be a finite number of degrees, got ${angle}`);
  const { planes, height: h, width: w, interleaved: c } = layoutOf(img, 'rotate');
  const fill = fillValues(options.fill ?? 0, img, planes, c);
  // Python's % keeps the sign of the divisor
  const a = ((angle % 360) + 360) % 360;
  if (!options.center) {
    if (a === 0) return withData(img, img.data.slice(), h, w);
    if (a === 180 || ((a === 90 || a === 270) && (options.expand || w === h))) return quarterTurns(img, a / 90);
  }
  const [cx, cy] = options.center ?? [w / 2, h / 2];
  const r = -a * (Math.PI / 180);
  const m = [round15(Math.cos(r)), round15(Math.sin(r)), 0, round15(-Math.sin(r)), round15(Math.cos(r)), 0] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const apply = (x: number, y: number): [number, number] => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
  [m[2], m[5]] = apply(-cx, -cy);
  m[2] += cx;
  m[5] += cy;
  let [ow, oh] = [w, h];
  if (options.expand) {
    const corners = [apply(0, 0), apply(w, 0), apply(w, h), apply(0, h)];
    const xs = corners.map((p) => p[0]);
    const ys = corners.map((p) => p[1]);
    ow = Math.ceil(Math.max(...xs)) - Math.floor(Math.min(...xs));
    oh = Math.ceil(Math.max(...ys)) - Math.floor(Math.min(...ys));
    [m[2], m[5]] = apply(-(ow - w) / 2, -(oh - h) / 2);
  }
  const src = img.data;
  const out = allocLike(src, planes * oh * ow * c);
  const put = (p: number, y: number, x: number, yin: number, xin: number) => {
    const o = ((p * oh + y) * ow + x) * c;
    if (xin >= 0 && xin < w && yin >= 0 && yin < h) {
      const s = ((p * h + yin) * w + xin) * c;
      for (let k = 0; k < c; k++) out[o + k] = src[s + k]!;
    } else for (let k = 0; k < c; k++) out[o + k] = fill[p * c + k]!;
  };
  const fits = (x: number, y: number) =>
    Math.abs(x * m[0] + y * m[1] + m[2]) < 32768 && Math.abs(x * m[3] + y * m[4] + m[5]) < 32768;
  const scaling = m[1] === 0 && m[3] === 0;
  if (!scaling && fits(0, 0) && fits(ow, oh) && fits(0, oh) && fits(ow, 0)) {
    // PIL's affine_fixed: 16.16 fixed point, the source index an arithmetic shift (a floor)
    const fix = (v: number) => floorInt(v * 65536 + 0.5);
    const [a0, a1, a3, a4] = [fix(m[0]), fix(m[1]), fix(m[3]), fix(m[4])];
    let a2 = fix(m[2] + m[0] * 0.5 + m[1] * 0.5);
    let a5 = fix(m[5] + m[3] * 0.5 + m[4] * 0.5);
    for (let y = 0; y < oh; y++) {
      let xx = a2;
      let yy = a5;
      for (let x = 0; x < ow; x++) {
        for (let p = 0; p < planes; p++) put(p, y, x, yy >> 16, xx >> 16);
        xx += a0;
        yy += a3;
      }
      a2 += a1;
      a5 += a4;
    }
  } else {
    // PIL's floating-point affine (and its scaling case, which samples the same points)
    const coord = (v: number) => (v < 0 ? -1 : Math.trunc(v));
    let xo = m[2] + m[1] * 0.5 + m[0] * 0.5;
    let yo = m[5] + m[4] * 0.5 + m[3] * 0.5;
    for (let y = 0; y < oh; y++) {
      let xx = xo;
      let yy = yo;
      for (let x = 0; x < ow; x++) {
        for (let p = 0; p < planes; p++) put(p, y, x, coord(yy), coord(xx));
        xx += m[0];
        yy += m[3];
      }
      xo += m[1];
      yo += m[4];
    }
  }
  return withData(img, out, oh, ow);
}

/** PIL's transposes ROTATE_90 (k = 1, counter-clockwise), ROTATE_180 and ROTATE_270. */
function quarterTurns<T extends ImageLike>(img: T, k: number): T {
  const { planes, height: h, width: w, interleaved: c } = layoutOf(img, 'rotate');
  const [oh, ow] = k === 2 ? [h, w] : [w, h];
  const src = img.data;
  const out = allocLike(src, src.length);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const [yi, xi] = k === 1 ? [x, w - 1 - y] : k === 2 ? [h - 1 - y, w - 1 - x] : [h - 1 - x, y];
        const o = ((p * oh + y) * ow + x) * c;
        const s = ((p * h + yi) * w + xi) * c;
        for (let j = 0; j < c; j++) out[o + j] = src[s + j]!;
      }
    }
  }
  return withData(img, out, oh, ow);
}

/**
 * The fill value for each (plane, interleaved channel): an ImageArray's channels are interleaved in its one plane, an
 * ArrayTensor's are its planes ([..., C, H, W], repeating for each image of a batch).
 */
function fillValues(fill: number | readonly number[], img: ImageLike, planes: number, c: number): number[] {
  const values = typeof fill === 'number' ? [fill] : [...fill];
  if (values.some((v) => !Number.isFinite(v)))
    throw new Error(`rotate: fill should be finite, got [${values.join(', ')}]`);
  const channels = isImageArray(img) ? c : (img.shape[img.shape.length - 3] ?? 1);
  if (values.length !== 1 && values.length !== channels) {
    throw new Error(`rotate: fill should be one value or one per channel (${channels}), got ${values.length}`);
  }
  return Array.from(
    { length: planes * c },
    (_, i) => values[values.length === 1 ? 0 : isImageArray(img) ? i % c : Math.floor(i / c) % channels]!,
  );
}

/**
 * Rotates by an angle drawn uniformly from [−degrees, degrees] (or [min, max]), as torchvision.transforms.
 * RandomRotation (nearest-neighbour, PIL's geometry; see rotate). One draw per call from `generator`.
 */
export function randomRotation(
  degrees: number | readonly [number, number],
  options: RandomRotationOptions = {},
): <T extends ImageLike>(img: T) => T {
  const [lo, hi] = typeof degrees === 'number' ? [-degrees, degrees] : degrees;
  if (typeof degrees === 'number' && degrees < 0) {
    throw new Error(`randomRotation: if degrees is a single number, it must be positive, got ${degrees}`);
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new Error(
      `randomRotation: degrees should be a number or [min, max] with min ≤ max, got ${JSON.stringify(degrees)}`,
    );
  }
  const g = options.generator ?? defaultGenerator;
  return <T extends ImageLike>(img: T): T => rotate(img, g.uniform(lo, hi), options);
}
