import { type ArrayTensor, describeSample, type ImageArray, isImageArray } from '../image-array.js';
import { tagged } from './fusion.js';
import type { Transform } from './transform.js';

// i / 255 for every byte, once: torchvision's float32 values exactly (x.float().div(255)), and no division per pixel.
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * uint8 HWC [0, 255] → float32 CHW [0, 1], as torchvision.transforms.ToTensor does to a PIL image.
 */
export function toTensor(): Transform<ImageArray, ArrayTensor<Float32Array>> {
  const fn = (img: ImageArray): ArrayTensor<Float32Array> => {
    if (!isImageArray(img))
      throw new TypeError(`toTensor: expected an ImageArray (uint8 HWC), got ${describeSample(img)}`);
    const { data, height: h, width: w, channels: c } = img;
    const hw = h * w;
    if (data.length !== hw * c)
      throw new Error(`toTensor: ImageArray ${h}×${w}×${c} needs ${hw * c} bytes, got ${data.length}`);
    const out = new Float32Array(hw * c);
    if (c === 3) {
      for (let p = 0, q = 0; p < hw; p++, q += 3) {
        out[p] = BYTE_TO_UNIT[data[q]!]!;
        out[hw + p] = BYTE_TO_UNIT[data[q + 1]!]!;
        out[2 * hw + p] = BYTE_TO_UNIT[data[q + 2]!]!;
      }
    } else {
      for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) out[k * hw + p] = BYTE_TO_UNIT[data[p * c + k]!]!;
    }
    return { data: out, shape: [c, h, w] };
  };
  return tagged(fn, { kind: 'toTensor' });
}
