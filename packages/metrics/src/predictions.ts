import { nn, noGrad, tf } from '@trainkit/core';
import { checkModel, forwardLogits, withEvalMode } from './eval-mode.js';
import { type BatchOptions, batches, type Loader } from './loader.js';

const fmt = nn.formatShape;

export interface Predictions {
  /** true class of each sample */
  labels: Int32Array;
  /** predicted class of each sample (argmax of its probabilities) */
  preds: Int32Array;
  /** softmax probabilities of each sample, numClasses long (views into shared buffers) */
  probs: Float32Array[];
  numClasses: number;
  /** each sample's input, flattened, with `keepInputs: true` (views into shared buffers) */
  images?: Float32Array[];
  /** the shape of one input (x.shape without the batch dimension), with `keepInputs: true` */
  inputShape?: number[];
}

export interface GetPredictionsOptions extends BatchOptions {
  /** keep every input, to show the misclassified images afterwards (seed 004); memory grows with the data set */
  keepInputs?: boolean;
}

/**
 * Runs the model over a loader and collects labels, softmax probabilities and predicted classes per sample, like seed
 * 004's get_predictions. The model runs in eval mode under noGrad and its training flags are restored afterwards. The
 * model must give logits [N, C]; a model returning an array gives its first element. One download per batch.
 */
export async function getPredictions(
  model: nn.Module,
  loader: Loader,
  options: GetPredictionsOptions = {},
): Promise<Predictions> {
  const where = 'getPredictions';
  checkModel(model, where);
  const keep = options.keepInputs ?? false;
  return withEvalMode(model, async () => {
    const labels: number[] = [];
    const preds: number[] = [];
    const probs: Float32Array[] = [];
    const images: Float32Array[] = [];
    let numClasses = -1;
    let inputShape: number[] | undefined;
    for await (const [x, y] of batches(loader, where, options)) {
      if (y.rank > 0 && y.shape[0] === 0) continue;
      let shape: number[] = [];
      // One float32 vector per batch: probabilities, predictions, labels, then the inputs when they are kept.
      const packed = noGrad(() => {
        const logits = forwardLogits(model, x, where);
        shape = logits.shape;
        const n = logits.shape[0];
        if (logits.rank !== 2) {
          throw new Error(
            `${where}: the model's logits must be 2-D [N, C], but they have shape ${fmt(logits.shape)} (y has shape ${fmt(y.shape)})`,
          );
        }
        if (y.size !== n || y.shape[0] !== n || y.rank > 2) {
          throw new Error(`${where}: logits have shape ${fmt(logits.shape)} but y has shape ${fmt(y.shape)}`);
        }
        if (keep && x.shape[0] !== n) {
          throw new Error(`${where}: x has shape ${fmt(x.shape)} but logits have shape ${fmt(logits.shape)}`);
        }
        const p = tf.softmax(logits, -1);
        const parts = [
          tf.reshape(p, [-1]),
          tf.cast(tf.argMax(p, 1), 'float32'),
          tf.cast(tf.reshape(y, [-1]), 'float32'),
        ];
        if (keep) parts.push(tf.cast(tf.reshape(x, [-1]), 'float32'));
        return tf.concat(parts);
      });
      let data: Float32Array;
      try {
        data = (await packed.data()) as Float32Array;
      } finally {
        packed.dispose();
      }
      const [n, c] = shape as [number, number];
      if (numClasses === -1) numClasses = c;
      else if (c !== numClasses) {
        throw new Error(
          `${where}: this batch's logits have shape ${fmt(shape)} but earlier batches had ${numClasses} classes`,
        );
      }
      const sampleShape = x.shape.slice(1);
      if (keep) {
        if (inputShape === undefined) inputShape = sampleShape;
        else if (!tf.util.arraysEqual(inputShape, sampleShape)) {
          throw new Error(
            `${where}: this batch's x has shape ${fmt(x.shape)} but earlier batches had inputs of shape ${fmt(inputShape)}`,
          );
        }
      }
      const labelsAt = n * c + n;
      for (let i = 0; i < n; i++) {
        const label = data[labelsAt + i]!;
        if (!Number.isInteger(label) || label < 0 || label >= c) {
          throw new RangeError(
            `${where}: y has label ${label} outside [0, ${c}) (logits have shape ${fmt(shape)}, y has shape ${fmt(y.shape)})`,
          );
        }
        labels.push(label);
        preds.push(data[n * c + i]!);
        probs.push(data.subarray(i * c, (i + 1) * c));
      }
      if (keep) {
        const size = sampleShape.reduce((a, b) => a * b, 1);
        const at = labelsAt + n;
        for (let i = 0; i < n; i++) images.push(data.subarray(at + i * size, at + (i + 1) * size));
      }
    }
    const out: Predictions = {
      labels: Int32Array.from(labels),
      preds: Int32Array.from(preds),
      probs,
      numClasses: Math.max(numClasses, 0),
    };
    if (keep) {
      out.images = images;
      out.inputShape = inputShape ?? [];
    }
    return out;
  });
}

export interface IncorrectPrediction {
  /** position of the sample in the loader's order */
  index: number;
  label: number;
  pred: number;
  /** probability the model gave its (wrong) prediction */
  predProb: number;
  /** probability the model gave the true class */
  trueProb: number;
  /** the sample's input when getPredictions kept them */
  image?: Float32Array;
}

/**
 * The k most confidently wrong predictions, seed 004's most-incorrect plot: the misclassified samples sorted by the
 * probability of the predicted class, highest first (ties keep the loader's order). k defaults to all of them.
 */
export function mostIncorrect(predictions: Predictions, k = Number.POSITIVE_INFINITY): IncorrectPrediction[] {
  if (!(k === Number.POSITIVE_INFINITY || (Number.isInteger(k) && k >= 0))) {
    throw new RangeError(`mostIncorrect: k must be a non-negative integer, got ${k}`);
  }
  const { labels, preds, probs, images } = predictions;
  const wrong: IncorrectPrediction[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const pred = preds[i]!;
    if (label === pred) continue;
    const p = probs[i]!;
    const item: IncorrectPrediction = { index: i, label, pred, predProb: p[pred]!, trueProb: p[label]! };
    if (images) item.image = images[i]!;
    wrong.push(item);
  }
  wrong.sort((a, b) => b.predProb - a.predProb || a.index - b.index);
  return wrong.slice(0, k);
}
