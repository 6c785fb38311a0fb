import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn, tf, useBackend } from '@trainkit/core';
import { mostIncorrect } from '@trainkit/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Animator,
  featureMapGrid,
  incorrectTitles,
  linePlot,
  pca,
  plotConfusionMatrix,
  plotMostIncorrect,
  plotWeightHistograms,
  plotWeights,
  scatterPlot,
  showImages,
} from '../src/index.js';
import { readPng } from './helpers/png-check.js';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'viz-plots-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A plot is real when it has many colours, visible contrast and a fair amount of ink on the white page. */
function expectRealPlot(file: string, minColors = 20) {
  const png = readPng(file);
  expect(png.bytes).toBeGreaterThan(2000);
  expect(png.colors).toBeGreaterThanOrEqual(minColors);
  expect(png.variance).toBeGreaterThan(100);
  expect(png.inked).toBeGreaterThan(0.02);
  return png;
}

function smallCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(8 * 8 * 8, 10),
  );
}

describe('Animator', () => {
  it('rewrites its PNG after every add, atomically, with every series drawn', () => {
    const file = join(dir, 'curves', 'train.png');
    const anim = new Animator({ xlabel: 'epoch', legend: ['train loss', 'train acc', 'test acc'], xlim: [1, 5], file });
    anim.add(1, { 'train loss': 2.1, 'train acc': 0.3 });
    const first = readFileSync(file);
    const sizes: number[] = [];
    for (let e = 2; e <= 5; e++) {
      anim.add(e, { 'train loss': 2.1 / e, 'train acc': 1 - 0.7 / e, 'test acc': 1 - 0.8 / e });
      sizes.push(readFileSync(file).length);
    }
    expect(readFileSync(file).equals(first)).toBe(false);
    expect(readdirSync(join(dir, 'curves'))).toEqual(['train.png']);
    expect(anim.data.get('test acc')?.x).toEqual([2, 3, 4, 5]);
    expect(anim.data.get('train loss')?.y[0]).toBe(2.1);
    const png = expectRealPlot(file);
    expect([png.width, png.height]).toEqual([560, 380]); // the size asked for (the default), not 1.5×
    // each series' colour (d2l's fmts: C0 blue, magenta, green) appears on the image
    const svg = anim.toSVG();
    for (const color of ['#1f77b4', '#bf00bf', '#008000']) expect(svg).toContain(`stroke="${color}"`);
    expect(svg).toContain('>test acc<');
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it('accepts values by legend position and saves SVG by extension', () => {
    const anim = new Animator({ legend: ['loss'], yscale: 'log' });
    for (let i = 1; i <= 20; i++) anim.add(i, [10 / i ** 2]);
    const file = join(dir, 'loss.svg');
    anim.save(file);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('10⁻¹');
    expect((svg.match(/<polyline/g) ?? []).length).toBe(1);
  });
});

describe('linePlot', () => {
  it('leaves gaps at missing values', () => {
    const fig = linePlot([{ name: 'y', x: [0, 1, 2, 3, 4], y: [0, 1, null, 3, 4] }]);
    expect((fig.toSVG().match(/<polyline/g) ?? []).length).toBe(2);
  });
});

describe('plotConfusionMatrix', () => {
  const cm = CLASSES.map((_, i) => CLASSES.map((_, j) => (i === j ? 50 + i : (i + 2 * j) % 7)));

  it('draws counts and class names as a heatmap with a colour bar', () => {
    const file = join(dir, 'cm.png');
    plotConfusionMatrix(cm, { classNames: CLASSES, title: 'test' }).save(file);
    const png = expectRealPlot(file);
    expect(png.height).toBeGreaterThan(400);
    const svg = plotConfusionMatrix({ matrix: cm }, { classNames: CLASSES }).toSVG();
    expect(svg).toContain('>59<');
    expect(svg).toContain('>automobile<');
    expect(svg).toContain('>Predicted label<');
  });

  it('takes class names from a ConfusionMatrix-like object and normalises rows', () => {
    const svg = plotConfusionMatrix(
      {
        matrix: [
          [3, 1],
          [0, 4],
        ],
        classNames: ['cat', 'dog'],
      },
      { normalize: 'true' },
    ).toSVG();
    expect(svg).toContain('>0.75<');
    expect(svg).toContain('>0.25<');
    expect(svg).toContain('>1.00<');
    expect(svg).toContain('>cat<');
    // the diagonal cell (largest value) is drawn darker than an empty one
    const fills = [
      ...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="rgb\((\d+),(\d+),(\d+)\)"/g),
    ].map((m) => Number(m[1]) + Number(m[2]) + Number(m[3]));
    expect(fills[3]).toBeLessThan(fills[2] as number);
  });

  it('rejects a matrix that is not square', () => {
    expect(() => plotConfusionMatrix([[1, 2], [3]])).toThrow(/square/);
  });
});

describe('showImages', () => {
  it('draws an image grid with per-image titles; 0..255 data is shown as black to white', () => {
    const half = tf.tidy(() => tf.concat([tf.zeros([2, 3, 16, 8]), tf.fill([2, 3, 16, 8], 255)], 3));
    const colour = tf.randomUniform([4, 3, 16, 16], 0, 1, 'float32', 7);
    const images = tf.concat([half, colour]);
    const file = join(dir, 'grid.png');
    const titles = ['true: cat (0.12)\npred: dog (0.81)', 'b', 'c', 'd', 'e', 'f'];
    const fig = showImages(images, { titles, ncols: 3 });
    fig.save(file);
    const png = expectRealPlot(file, 50);
    const svg = fig.toSVG();
    expect((svg.match(/<image /g) ?? []).length).toBe(6);
    expect(svg).toContain('>true: cat (0.12)</tspan>');
    expect(svg).toContain('>pred: dog (0.81)</tspan>');
    let black = false;
    let white = false;
    for (let y = 0; y < png.height; y += 2) {
      for (let x = 0; x < png.width; x += 2) {
        const [r, g, b] = png.pixel(x, y);
        if (r + g + b === 0) black = true;
        if (r + g + b === 765) white = true;
      }
    }
    expect(black && white).toBe(true);
    tf.dispose([half, colour, images]);
  });

  it('shows the most confidently wrong predictions of @trainkit/metrics with their titles', () => {
    // four 2×2 RGB images, flattened CHW as getPredictions keeps them
    const images = [0, 1, 2, 3].map((k) =>
      Float32Array.from({ length: 12 }, (_, i) => ((i * 37 + k * 91) % 256) / 255),
    );
    const probs = [
      [0.9, 0.1],
      [0.2, 0.8],
      [0.45, 0.55],
      [0.05, 0.95],
    ].map((r) => Float32Array.from(r));
    const predictions = {
      labels: Int32Array.from([0, 0, 0, 1]),
      preds: Int32Array.from([0, 1, 1, 1]),
      probs,
      numClasses: 2,
      images,
      inputShape: [3, 2, 2],
    };
    const worst = mostIncorrect(predictions, 5);
    expect(worst.map((w) => w.index)).toEqual([1, 2]);
    expect(incorrectTitles(worst, ['cat', 'dog'])).toEqual([
      'true: cat (0.20)\npred: dog (0.80)',
      'true: cat (0.45)\npred: dog (0.55)',
    ]);
    const file = join(dir, 'incorrect.png');
    const fig = plotMostIncorrect(worst, { classNames: ['cat', 'dog'], imageShape: predictions.inputShape });
    fig.save(file);
    expectRealPlot(file);
    expect((fig.toSVG().match(/<image /g) ?? []).length).toBe(2);
    expect(fig.toSVG()).toContain('>pred: dog (0.55)</tspan>');
    expect(() => plotMostIncorrect([{ label: 0, pred: 1, trueProb: 0.1, predProb: 0.9 }])).toThrow(/no image/);
  });
});

describe('scatterPlot with pca', () => {
  it('draws points coloured by label with a legend', () => {
    const points: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 120; i++) {
      const c = i % 3;
      labels.push(c);
      points.push(Array.from({ length: 6 }, (_, d) => (d === c ? 5 : 0) + Math.sin(i * 1.7 + d)));
    }
    const { projected } = pca(points, 2);
    const file = join(dir, 'scatter.png');
    const fig = scatterPlot(projected, { labels, classNames: CLASSES, title: 'features' });
    fig.save(file);
    expectRealPlot(file);
    const svg = fig.toSVG();
    expect((svg.match(/<circle/g) ?? []).length).toBe(120 + 3);
    for (const c of ['#1f77b4', '#ff7f0e', '#2ca02c']) expect(svg).toContain(`fill="${c}"`);
    expect(svg).toContain('>bird<');
  });
});

describe('weight views', () => {
  it('plots one histogram per layer weight', () => {
    const model = smallCnn();
    const file = join(dir, 'hist.png');
    const fig = plotWeightHistograms(model, { bins: 20 });
    fig.save(file);
    expectRealPlot(file);
    expect(fig.toSVG()).toContain('>0.weight [8, 3, 3, 3]<');
    expect(fig.toSVG()).toContain('>4.weight [10, 512]<');
    expect(fig.toSVG()).not.toContain('0.bias');
    expect(plotWeightHistograms(model, { includeBias: true }).toSVG()).toContain('>0.bias [8]<');
    model.dispose();
  });

  it('shows first-layer filters as colour images and Linear rows reshaped', () => {
    const model = smallCnn();
    const file = join(dir, 'filters.png');
    const fig = plotWeights(model);
    fig.save(file);
    expectRealPlot(file);
    expect((fig.toSVG().match(/<image /g) ?? []).length).toBe(8);
    const rows = plotWeights(model, { layer: '4', maxFilters: 4 });
    expect((rows.toSVG().match(/<image /g) ?? []).length).toBe(4);
    expect(rows.toSVG()).toContain('4.weight [10, 512]');
    expect(() => plotWeights(model, { layer: 'nope' })).toThrow(
      /no layer or parameter 'nope'; layers are: 0, 1, 2, 3, 4/,
    );
    model.dispose();
  });

  it('shows a layer’s feature maps for one input', () => {
    const model = smallCnn();
    const x = tf.randomUniform([3, 16, 16], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const file = join(dir, 'fmaps.png');
    const fig = featureMapGrid(model, '1', x);
    expect(tf.memory().numTensors).toBe(before);
    fig.save(file);
    expectRealPlot(file);
    expect((fig.toSVG().match(/<image /g) ?? []).length).toBe(8);
    expect(fig.toSVG()).toContain('1 (ReLU) output [1, 8, 16, 16]');
    expect(() => featureMapGrid(model, 'conv9', x)).toThrow(/no layer 'conv9'/);
    x.dispose();
    model.dispose();
  });
});
