import { nn, type Tensor, tf } from '@trainkit/core';
import { COLORMAPS, type ColormapName } from './colors.js';
import type { Figure } from './figure.js';
import { type FloatImage, normalizeImage, toRgb } from './image-data.js';
import { type GridCell, type GridLayout, gridFigure } from './image-grid.js';

export interface PlotWeightsOptions extends GridLayout {
  /** A module name (its `weight`) or a parameter name, as namedModules / namedParameters give them. */
  layer?: string;
  /** Most filters (Conv) or rows (Linear) shown (default 64). */
  maxFilters?: number;
  /** Most input channels shown per filter when a Conv has neither 1 nor 3 input channels (default 8). */
  maxChannels?: number;
  /** Shape each Linear row is drawn in: [H, W], or [3, H, W] for colour; by default the most square H×W. */
  rowShape?: readonly number[];
  /** Map for single-channel weights (default 'rdbu': blue negative, white 0, red positive). */
  cmap?: ColormapName;
}

function findWeight(source: nn.Module | nn.Parameter | Tensor, layer: string | undefined): { name: string; w: Tensor } {
  if (source instanceof nn.Parameter) return { name: 'weight', w: source.data };
  if (source instanceof tf.Tensor) return { name: 'weight', w: source };
  const params = source.namedParameters();
  if (layer !== undefined) {
    const p = params.find(([n]) => n === layer) ?? params.find(([n]) => n === (layer ? `${layer}.weight` : 'weight'));
    if (!p) {
      const names = source
        .namedModules()
        .map(([n]) => n)
        .filter((n) => n);
      throw new Error(`plotWeights: no layer or parameter '${layer}'; layers are: ${names.join(', ')}`);
    }
    return { name: p[0], w: p[1].data };
  }
  const first = params.find(([n, p]) => n.endsWith('weight') && (p.shape.length === 4 || p.shape.length === 2));
  if (!first) throw new Error('plotWeights: the model has no Conv2d or Linear weight');
  return { name: first[0], w: first[1].data };
}

/** The factor pair h × w = n with h closest to √n (320 → 16 × 20). */
function squarest(n: number): [number, number] {
  for (let h = Math.floor(Math.sqrt(n)); h >= 1; h--) if (n % h === 0) return [h, n / h];
  return [1, n];
}

/**
 * A layer's weights as images (PyTorch's plot_weights idea): Conv2d filters [out, in, kH, kW] as one colour image
 * each when in = 3, one image per filter when in = 1, else a row of channel images per filter; Linear rows
 * [out, in] reshaped to images (784 → 28 × 28). Single-channel weights share one symmetric scale centred on 0.
 */
export function plotWeights(source: nn.Module | nn.Parameter | Tensor, options: PlotWeightsOptions = {}): Figure {
  const { name, w } = findWeight(source, options.layer);
  const data = Float32Array.from(w.dataSync() as ArrayLike<number>);
  const shape = w.shape;
  const maxFilters = options.maxFilters ?? 64;
  const cmap = COLORMAPS[options.cmap ?? 'rdbu'];
  let absMax = 0;
  for (const v of data) absMax = Math.max(absMax, Math.abs(v));
  const signed = (img: FloatImage) => toRgb(normalizeImage(img, 'symmetric', [-absMax, absMax]), 1, cmap);
  const cells: GridCell[] = [];
  let ncols = options.ncols;
  if (shape.length === 4) {
    const [O, I, kH, kW] = shape as [number, number, number, number];
    const size = kH * kW;
    const nO = Math.min(O, maxFilters);
    if (I === 3) {
      for (let o = 0; o < nO; o++) {
        const hwc = new Float32Array(size * 3);
        for (let c = 0; c < 3; c++)
          for (let i = 0; i < size; i++) hwc[i * 3 + c] = data[(o * 3 + c) * size + i] as number;
        const img: FloatImage = { width: kW, height: kH, channels: 3, data: hwc };
        cells.push({ rgb: toRgb(normalizeImage(img, 'minmax'), 3), width: kW, height: kH, title: String(o) });
      }
    } else {
      const nI = I === 1 ? 1 : Math.min(I, options.maxChannels ?? 8);
      if (nI > 1) ncols ??= nI;
      for (let o = 0; o < nO; o++) {
        for (let c = 0; c < nI; c++) {
          const start = (o * I + c) * size;
          const img: FloatImage = { width: kW, height: kH, channels: 1, data: data.slice(start, start + size) };
          cells.push({ rgb: signed(img), width: kW, height: kH, title: nI > 1 ? `${o}:${c}` : String(o) });
        }
      }
    }
  } else if (shape.length === 2) {
    const [O, I] = shape as [number, number];
    const rs = options.rowShape ?? squarest(I);
    const [C, H, W] = rs.length === 3 ? (rs as [number, number, number]) : [1, rs[0] ?? 1, rs[1] ?? I];
    if (C * H * W !== I) throw new Error(`plotWeights: rowShape [${rs.join(', ')}] does not hold ${I} inputs`);
    for (let o = 0; o < Math.min(O, maxFilters); o++) {
      const row = data.slice(o * I, (o + 1) * I);
      if (C === 3) {
        const hwc = new Float32Array(I);
        for (let c = 0; c < 3; c++) for (let i = 0; i < H * W; i++) hwc[i * 3 + c] = row[c * H * W + i] as number;
        const img: FloatImage = { width: W, height: H, channels: 3, data: hwc };
        cells.push({ rgb: toRgb(normalizeImage(img, 'minmax'), 3), width: W, height: H, title: String(o) });
      } else {
        cells.push({
          rgb: signed({ width: W, height: H, channels: 1, data: row }),
          width: W,
          height: H,
          title: String(o),
        });
      }
    }
  } else {
    throw new Error(
      `plotWeights: expected a Conv2d weight [out, in, kH, kW] or a Linear weight [out, in], got [${shape.join(', ')}]`,
    );
  }
  return gridFigure(cells, { ...options, ncols, title: options.title ?? `${name} [${shape.join(', ')}]` });
}
