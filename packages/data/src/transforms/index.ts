export { centerCrop } from './center-crop.js';
export {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  type ColorJitterOptions,
  colorJitter,
} from './color-jitter.js';
export { compose } from './compose.js';
export type { PaddingMode } from './crop.js';
export type { ImageLike } from './image-layout.js';
export { lambda } from './lambda.js';
export { normalize } from './normalize.js';
export { type RandomCropOptions, randomCrop } from './random-crop.js';
export { hflip, randomHorizontalFlip } from './random-horizontal-flip.js';
export { type Interpolation, type ResizeOptions, resize, resizedSize } from './resize.js';
export { type RandomRotationOptions, type RotateOptions, randomRotation, rotate } from './rotate.js';
export { toTensor } from './to-tensor.js';
export type { Transform } from './transform.js';
