import { encodeGif } from '../gif.js';
import type { ImageProto } from '../proto.js';
import type { Values } from '../tensor-like.js';

/** tensorboardX's default frame rate. */
export const DEFAULT_FPS = 4;

/** A video as RGB frames of one size, tiled from a batch as tensorboardX tiles it. */
export interface VideoFrames {
  frames: Uint8Array[];
  height: number;
  width: number;
  /** The input's channel count (1 or 3), which tensorboardX reports as the colorspace. */
  channels: number;
}

/**
 * tensorboardX's `convert_to_NTCHW` + `_prepare_video` + its uint8 conversion: the batch is padded with black
 * videos to a power of two and tiled into 2^floor((bits(N) - 1) / 2) rows; float values in [0, 1] are scaled by 255
 * and truncated (out-of-range values clamped), uint8 values are divided by 255 and multiplied back in the same
 * float32/float64 arithmetic numpy uses, so the bytes match. One channel is grey, written as RGB.
 */
export function videoFrames(values: Values, dataformats: string, what: string): VideoFrames {
  const fmt = dataformats.toUpperCase();
  if (fmt.length !== 5 || new Set(fmt).size !== 5 || [...'NTCHW'].some((c) => !fmt.includes(c))) {
    throw new RangeError(`${what}: dataformats '${dataformats}' must be the five letters N, T, C, H, W in some order`);
  }
  const shape = values.shape;
  if (shape.length !== 5) {
    throw new RangeError(
      `${what}: expected a 5-D video [N, T, C, H, W] ('${dataformats}'), got shape [${shape.join(', ')}]`,
    );
  }
  const strides: number[] = [];
  let s = 1;
  for (let i = 4; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const axis = (c: string) => fmt.indexOf(c);
  const [n, t, c, h, w] = [...'NTCHW'].map((d) => shape[axis(d)]!) as [number, number, number, number, number];
  const [sN, sT, sC, sH, sW] = [...'NTCHW'].map((d) => strides[axis(d)]!) as [number, number, number, number, number];
  if (c !== 1 && c !== 3) {
    throw new RangeError(
      `${what}: expected 1 or 3 channels (a GIF has no alpha), got ${c} (shape [${shape.join(', ')}])`,
    );
  }
  if (n < 1 || t < 1 || h < 1 || w < 1) throw new RangeError(`${what}: empty video, shape [${shape.join(', ')}]`);
  const padded = (n & (n - 1)) === 0 ? n : 2 ** bitLength(n);
  const rows = 2 ** Math.floor((bitLength(n) - 1) / 2);
  const cols = padded / rows;
  // numpy: uint8 → float32(V) / 255. (float32); padding concatenates float64 zeros, making everything float64;
  // then `* 255.0` and astype(uint8), which truncates.
  const f64 = padded !== n || !(values.uint8 || values.data instanceof Float32Array);
  const src = values.data;
  const toByte = (x: number): number => {
    const unit = values.uint8 ? Math.fround(x / 255) : x;
    const v = f64 ? unit * 255 : Math.fround(Math.fround(unit) * 255);
    return v >= 255 ? 255 : v > 0 ? Math.trunc(v) : 0;
  };
  const height = rows * h;
  const width = cols * w;
  const frames: Uint8Array[] = [];
  for (let f = 0; f < t; f++) {
    const rgb = new Uint8Array(height * width * 3);
    for (let v = 0; v < n; v++) {
      const oy = Math.floor(v / cols) * h;
      const ox = (v % cols) * w;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const o = ((oy + y) * width + ox + x) * 3;
          const base = v * sN + f * sT + y * sH + x * sW;
          for (let k = 0; k < 3; k++) rgb[o + k] = toByte(src[base + (c === 1 ? 0 : k) * sC]!);
        }
      }
    }
    frames.push(rgb);
  }
  return { frames, height, width, channels: c };
}

/**
 * Summary.Image holding an animated GIF, as tensorboardX's add_video writes it (moviepy's write_gif): shown for
 * 1/fps s per frame (in whole hundredths, truncated as Pillow does), looping; height, width and colorspace as
 * tensorboardX reports them.
 */
export function videoImage(video: VideoFrames, fps: number, what: string): ImageProto {
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`${what}: fps must be a positive number, got ${fps}`);
  const gif = encodeGif({
    width: video.width,
    height: video.height,
    frames: video.frames,
    // moviepy asks Pillow for 1000 / fps ms per frame; Pillow stores int(ms / 10) hundredths.
    delayCs: Math.trunc(1000 / fps / 10),
    loop: 0,
  });
  return { height: video.height, width: video.width, colorspace: video.channels, encodedImageString: gif };
}

function bitLength(x: number): number {
  return x === 0 ? 0 : Math.floor(Math.log2(x)) + 1;
}
