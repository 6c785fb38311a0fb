import { encodePng } from '../png/png-encoder.js';
import type { ImageProto } from '../proto.js';
import type { Values } from '../tensor-like.js';

/** An image as bytes in height × width × channels order, channels 3 (RGB) or 4 (RGBA). */
export interface HWCImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * PyTorch's `convert_to_HWC` plus its uint8 conversion: 2-D (HW), 3-D (CHW, HWC, …) and 4-D (NCHW, NHWC, …)
 * inputs; batches are tiled 8 per row (make_grid, no padding); one channel becomes grey RGB. Float data is taken
 * as [0, 1] and scaled by 255, uint8 data as [0, 255]; as in PyTorch the product is computed in float32 and
 * truncated, but out-of-range values are clamped where PyTorch's cast would wrap around.
 */
export function toHWC(values: Values, dataformats: string, what: string): HWCImage {
  const fmt = dataformats.toUpperCase();
  const shape = values.shape;
  if (new Set(fmt).size !== fmt.length || /[^NCHW]/.test(fmt)) {
    throw new RangeError(`${what}: dataformats '${dataformats}' must use each of N, C, H, W at most once`);
  }
  if (shape.length !== fmt.length) {
    throw new RangeError(`${what}: tensor of shape [${shape.join(', ')}] does not match dataformats '${dataformats}'`);
  }
  const dim = (c: string): number => {
    const i = fmt.indexOf(c);
    return i < 0 ? 1 : shape[i]!;
  };
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const stride = (c: string): number => {
    const i = fmt.indexOf(c);
    return i < 0 ? 0 : strides[i]!;
  };
  if (fmt.length === 4 ? !fmt.includes('N') || !fmt.includes('C') : fmt.length === 3 ? !fmt.includes('C') : false) {
    throw new RangeError(`${what}: dataformats '${dataformats}' needs N and C (4-D) or C (3-D)`);
  }
  if (!fmt.includes('H') || !fmt.includes('W')) {
    throw new RangeError(`${what}: dataformats '${dataformats}' needs H and W`);
  }
  const n = dim('N');
  const c = dim('C');
  const h = dim('H');
  const w = dim('W');
  if (c !== 1 && c !== 3 && c !== 4) {
    throw new RangeError(
      `${what}: expected 1, 3 or 4 channels, got ${c} (shape [${shape.join(', ')}], '${dataformats}')`,
    );
  }
  const outC = c === 1 ? 3 : c;
  const ncols = Math.min(n, 8);
  const nrows = Math.ceil(n / ncols);
  const height = h * nrows;
  const width = w * ncols;
  const out = new Uint8Array(height * width * outC);
  const [sN, sC, sH, sW] = [stride('N'), stride('C'), stride('H'), stride('W')];
  const src = values.data;
  const scale = values.uint8 ? 1 : 255;
  for (let img = 0; img < n; img++) {
    const oy = Math.floor(img / ncols) * h;
    const ox = (img % ncols) * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = ((oy + y) * width + ox + x) * outC;
        const base = img * sN + y * sH + x * sW;
        for (let k = 0; k < outC; k++) {
          const v = Math.fround(Math.fround(src[base + (c === 1 ? 0 : k) * sC]!) * scale);
          out[o + k] = v >= 255 ? 255 : v > 0 ? Math.trunc(v) : 0;
        }
      }
    }
  }
  return { data: out, height, width, channels: outC };
}

/** Summary.Image with a PNG, as TensorBoard's Images tab reads it. */
export function imageProto(img: HWCImage): ImageProto {
  const png = encodePng(img);
  return { height: img.height, width: img.width, colorspace: img.channels, encodedImageString: png };
}
