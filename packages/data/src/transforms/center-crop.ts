import { cropPadded } from './crop.js';
import { type ImageLike, layoutOf, roundHalfEven, sizePair } from './image-layout.js';

/**
 * Crops the central `size` window, like torchvision.transforms.CenterCrop: the offset is round((H − h) / 2) with
 * Python's rounding, and an image smaller than the window is padded with zeros around it first.
 */
export function centerCrop(size: number | readonly [number, number]): <T extends ImageLike>(img: T) => T {
  const [th, tw] = sizePair(size, 'centerCrop');
  return <T extends ImageLike>(img: T): T => {
    const { height: h, width: w } = layoutOf(img, 'centerCrop');
    const top = th > h ? -Math.floor((th - h) / 2) : roundHalfEven((h - th) / 2);
    const left = tw > w ? -Math.floor((tw - w) / 2) : roundHalfEven((w - tw) / 2);
    return cropPadded(img, top, left, th, tw, 'constant', 0, 'centerCrop');
  };
}
