import { type Tensor, tf } from '@trainkit/core';
import type { Figure } from './figure.js';
import type { FloatImage } from './image-data.js';
import { type ShowImagesOptions, showImages } from './image-grid.js';

/** One wrong prediction, as @trainkit/metrics' mostIncorrect returns them (image kept with keepInputs). */
export interface IncorrectExample {
  label: number;
  pred: number;
  /** Probability given to the true class. */
  trueProb: number;
  /** Probability given to the (wrong) predicted class. */
  predProb: number;
  /** The input, flattened ([C·H·W]) or as a tensor [C, H, W]. */
  image?: Float32Array | readonly number[] | Tensor;
}

/** 'true: cat (0.12)\npred: dog (0.81)' for each example. */
export function incorrectTitles(items: readonly IncorrectExample[], classNames?: readonly string[]): string[] {
  const name = (c: number) => classNames?.[c] ?? String(c);
  return items.map(
    (it) => `true: ${name(it.label)} (${it.trueProb.toFixed(2)})\npred: ${name(it.pred)} (${it.predProb.toFixed(2)})`,
  );
}

export interface MostIncorrectPlotOptions extends ShowImagesOptions {
  classNames?: readonly string[];
  /** Shape of one flattened image, [C, H, W] (PyTorch layout) or [H, W]; e.g. predictions.inputShape. */
  imageShape?: readonly number[];
}

/**
 * The most confidently wrong predictions as an image grid titled with the true and predicted classes and their
 * probabilities: `plotMostIncorrect(mostIncorrect(predictions, 12), { classNames, imageShape: predictions.inputShape })`.
 */
export function plotMostIncorrect(items: readonly IncorrectExample[], options: MostIncorrectPlotOptions = {}): Figure {
  if (items.length === 0) throw new Error('plotMostIncorrect: no incorrect predictions to show');
  const images = items.map((it, i): Tensor | FloatImage => {
    if (it.image === undefined) throw new Error(`plotMostIncorrect: example ${i} has no image (use keepInputs: true)`);
    if (it.image instanceof tf.Tensor) return it.image;
    const shape = options.imageShape;
    if (!shape) throw new Error('plotMostIncorrect: give imageShape ([C, H, W]) for flattened images');
    const data = Float32Array.from(it.image);
    const [c, h, w] =
      shape.length === 3 ? (shape as [number, number, number]) : [1, shape[0] ?? 1, shape[1] ?? data.length];
    if (c * h * w !== data.length)
      throw new Error(`plotMostIncorrect: imageShape [${shape.join(', ')}] does not hold ${data.length} values`);
    if (c === 1) return { width: w, height: h, channels: 1, data };
    if (c !== 3) throw new Error(`plotMostIncorrect: images need 1 or 3 channels, got ${c}`);
    const hwc = new Float32Array(data.length);
    for (let ch = 0; ch < 3; ch++) for (let p = 0; p < h * w; p++) hwc[p * 3 + ch] = data[ch * h * w + p] as number;
    return { width: w, height: h, channels: 3, data: hwc };
  });
  const tensors = images.filter((x): x is Tensor => x instanceof tf.Tensor);
  const floats = images.map((x) => (x instanceof tf.Tensor ? undefined : x));
  // tensors and flat arrays may be mixed; showImages takes either kind in a list
  const list = floats.every((x) => x !== undefined)
    ? (floats as FloatImage[])
    : tensors.length === images.length
      ? tensors
      : undefined;
  if (!list) throw new Error('plotMostIncorrect: give all images as tensors or all as flat arrays');
  return showImages(list, {
    ...options,
    titles: options.titles ?? incorrectTitles(items, options.classNames),
    titleColors: options.titleColors ?? items.map(() => '#b2182b'),
  });
}
