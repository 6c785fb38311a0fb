// Regenerates the images in packages/viz/docs/ that the README shows, from a real (short) training run:
//   cd packages/viz && node --import tsx scripts/render-readme-images.ts [path/to/cifar-10-sample]
// With the CIFAR-10 sample (samples/cifar-10-sample, committed in the repository: the default) it trains a small CNN
// for a few epochs on its 1,600 training images (docs/ was last rendered from an earlier 4,000-image sample); without
// data, on synthetic coloured stripes, so the script always runs.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nn, noGrad, optim, type Tensor, tf, useBackend } from '@trainkit/core';
import { ConfusionMatrix, mostIncorrect } from '@trainkit/metrics';
import {
  Animator,
  featureMapGrid,
  parameterStats,
  pca,
  plotConfusionMatrix,
  plotMostIncorrect,
  plotWeightHistograms,
  plotWeights,
  progress,
  scatterPlot,
  summary,
  terminalHistogram,
} from '../src/index.js';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const DEFAULT_DATA = fileURLToPath(new URL('../../../samples/cifar-10-sample/', import.meta.url));
const EPOCHS = 6;
const BATCH = 50;

interface Split {
  x: Float32Array; // N × 3 × 32 × 32 in [0, 1]
  y: Int32Array;
}

function readCifar(file: string): Split {
  const buf = readFileSync(file);
  const n = buf.length / 3073;
  const x = new Float32Array(n * 3072);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = buf[i * 3073] as number;
    for (let j = 0; j < 3072; j++) x[i * 3072 + j] = (buf[i * 3073 + 1 + j] as number) / 255;
  }
  return { x, y };
}

/** Ten classes of noisy stripes, each with its own orientation and colour: learnable, and visible in the plots. */
function synthetic(n: number, seed: number): Split {
  let s = seed;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(n * 3072);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * 10);
    y[i] = c;
    const angle = (c * Math.PI) / 10;
    const phase = rand() * 6;
    for (let ch = 0; ch < 3; ch++) {
      const tint = 0.5 + 0.4 * Math.cos(c + (ch * 2 * Math.PI) / 3);
      for (let p = 0; p < 1024; p++) {
        const u = (p % 32) * Math.cos(angle) + Math.floor(p / 32) * Math.sin(angle);
        const v = tint * (0.5 + 0.5 * Math.sin(u / 2 + phase)) + 0.35 * (rand() - 0.5);
        x[i * 3072 + ch * 1024 + p] = Math.max(0, Math.min(1, v));
      }
    }
  }
  return { x, y };
}

function batchOf(split: Split, idx: ArrayLike<number>): [Tensor, Tensor] {
  const x = new Float32Array(idx.length * 3072);
  const y = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k] as number;
    x.set(split.x.subarray(i * 3072, (i + 1) * 3072), k * 3072);
    y[k] = split.y[i] as number;
  }
  return [tf.tensor4d(x, [idx.length, 3, 32, 32]).sub(0.5).div(0.25), tf.tensor1d(y, 'int32')];
}

const dataDir = process.argv[2] ?? DEFAULT_DATA;
const real = existsSync(`${dataDir}/data_batch_1.bin`);
const classNames = real
  ? readFileSync(`${dataDir}/batches.meta.txt`, 'utf8').split('\n').filter(Boolean)
  : Array.from({ length: 10 }, (_, c) => `stripes ${c * 18}°`);
const train = real ? readCifar(`${dataDir}/data_batch_1.bin`) : synthetic(4000, 1);
const test = real ? readCifar(`${dataDir}/test_batch.bin`) : synthetic(1000, 2);
console.log(real ? `CIFAR-10 sample from ${dataDir}` : 'synthetic data (no CIFAR-10 sample found)');

await useBackend('auto');
const model = new nn.Sequential(
  new nn.Conv2d(3, 16, 5, { padding: 2 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(16, 32, 5, { padding: 2 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Linear(2048, 64),
  new nn.ReLU(),
  new nn.Linear(64, 10),
);
console.log(summary(model, { inputSize: [BATCH, 3, 32, 32] }).toString());

const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.02, momentum: 0.9 });
const animator = new Animator({
  xlabel: 'epoch',
  xlim: [0, EPOCHS],
  ylim: [0, 2.5],
  legend: ['train loss', 'train acc', 'test acc'],
  file: `${DOCS}training-curves.png`,
});
const nTrain = train.y.length;
const batches = Math.floor(nTrain / BATCH);

function evaluate(split: Split, onBatch?: (probs: Tensor, y: Tensor, x: Tensor) => void): number {
  model.eval();
  let correct = 0;
  for (let start = 0; start < split.y.length; start += BATCH) {
    const idx = Array.from({ length: Math.min(BATCH, split.y.length - start) }, (_, k) => start + k);
    const [x, y] = batchOf(split, idx);
    const probs = noGrad(() => tf.softmax(model.call(x) as Tensor));
    correct += tf.tidy(() => probs.argMax(1).equal(y).sum().dataSync()[0] as number);
    onBatch?.(probs, y, x);
    tf.dispose([x, y, probs]);
  }
  return correct / split.y.length;
}

let order = Int32Array.from({ length: nTrain }, (_, i) => i);
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  model.train();
  order = order.sort(() => Math.random() - 0.5);
  let lossSum = 0;
  let accSum = 0;
  let seen = 0;
  const bar = progress(
    Array.from({ length: batches }, (_, b) => b),
    { desc: `epoch ${epoch + 1}`, unit: 'batch' },
  );
  for (const b of bar) {
    const [x, y] = batchOf(train, order.subarray(b * BATCH, (b + 1) * BATCH));
    let preds: Tensor | undefined;
    const loss = optimizer.step(() => {
      const logits = model.call(x) as Tensor;
      preds = tf.keep(logits.argMax(1));
      return lossFn.forward(logits, y);
    }) as number;
    const acc = tf.tidy(() => (preds as Tensor).equal(y).sum().dataSync()[0] as number) / BATCH;
    tf.dispose([x, y, preds as Tensor]);
    lossSum += loss * BATCH;
    accSum += acc * BATCH;
    seen += BATCH;
    bar.setPostfix({ loss: lossSum / seen, acc: accSum / seen }, false);
    if ((b + 1) % Math.floor(batches / 5) === 0 || b === batches - 1) {
      animator.add(epoch + (b + 1) / batches, { 'train loss': lossSum / seen, 'train acc': accSum / seen });
    }
  }
  const testAcc = evaluate(test);
  animator.add(epoch + 1, { 'test acc': testAcc });
  bar.write(`epoch ${epoch + 1}: test acc ${testAcc.toFixed(3)}`);
}

// Test-set predictions: confusion matrix, the worst mistakes, and the penultimate features for a PCA scatter.
const cm = new ConfusionMatrix(10, { classNames });
const probs: Float32Array[] = [];
const images: Float32Array[] = [];
const features: number[][] = [];
const hook = model.at(8).registerForwardHook((_m, _in, out) => {
  const t = out as Tensor;
  const [n, d] = t.shape as [number, number];
  const v = t.dataSync();
  for (let i = 0; i < n; i++) features.push(Array.from(v.subarray(i * d, (i + 1) * d)));
  return undefined;
});
evaluate(test, (p, y, x) => {
  cm.update(p, y);
  const pv = p.dataSync();
  for (let i = 0; i < (p.shape[0] as number); i++) probs.push(Float32Array.from(pv.subarray(i * 10, (i + 1) * 10)));
  const xv = tf.tidy(() => x.mul(0.25).add(0.5).dataSync());
  for (let i = 0; i < (x.shape[0] as number); i++)
    images.push(Float32Array.from(xv.subarray(i * 3072, (i + 1) * 3072)));
});
hook.remove();
const preds = Int32Array.from(probs, (p) => p.indexOf(Math.max(...p)));
console.log(cm.report());

plotConfusionMatrix(cm, { title: 'Test set' }).save(`${DOCS}confusion-matrix.png`);
const worst = mostIncorrect({ labels: test.y, preds, probs, numClasses: 10, images, inputShape: [3, 32, 32] }, 12);
plotMostIncorrect(worst, { classNames, imageShape: [3, 32, 32], ncols: 6, title: 'Most confidently wrong' }).save(
  `${DOCS}most-incorrect.png`,
);
const { projected, explainedVarianceRatio } = pca(features, 2);
scatterPlot(projected, {
  labels: Array.from(test.y),
  classNames,
  title: 'Penultimate-layer features (PCA)',
  xlabel: `PC 1 (${(100 * (explainedVarianceRatio[0] ?? 0)).toFixed(0)}% of variance)`,
  ylabel: `PC 2 (${(100 * (explainedVarianceRatio[1] ?? 0)).toFixed(0)}%)`,
}).save(`${DOCS}pca-scatter.png`);
plotWeightHistograms(model, { title: 'Weight distributions after training' }).save(`${DOCS}weight-histograms.png`);
plotWeights(model, { ncols: 8 }).save(`${DOCS}conv1-filters.png`);
const first = tf
  .tensor3d(images[0] as Float32Array, [3, 32, 32])
  .sub(0.5)
  .div(0.25);
featureMapGrid(model, '1', first, { ncols: 8 }).save(`${DOCS}feature-maps.png`);
first.dispose();

console.log(String(parameterStats(model)));
console.log(terminalHistogram(model.at(0).parameters()[0] as nn.Parameter, { bins: 12, width: 32 }));
