import { type nn, noGrad, type Tensor, tf } from '@trainkit/core';
import { COLORMAPS, type ColormapName } from './colors.js';
import type { Figure } from './figure.js';
import { normalizeImage, toRgb } from './image-data.js';
import { type GridCell, type GridLayout, gridFigure } from './image-grid.js';

export interface FeatureMapGridOptions extends GridLayout {
  /** Most channels shown (default 64). */
  maxMaps?: number;
  /** Default 'viridis'. */
  cmap?: ColormapName;
  /** Mode for the pass (default 'eval'); each module's own mode is restored afterwards. */
  mode?: 'train' | 'eval';
}

/**
 * The output of one layer for one input, each channel as an image: a forward hook on the layer named `layerName`
 * (as namedModules gives it: '0', 'features.3', 'conv1') captures its output during one forward pass under noGrad.
 * `input` is a single image [C, H, W] or a batch [N, C, H, W] of which the first is shown. Each map is stretched to
 * its own min..max.
 */
export function featureMapGrid(
  model: nn.Module,
  layerName: string,
  input: Tensor,
  options: FeatureMapGridOptions = {},
): Figure {
  const named = model.namedModules();
  const layer = named.find(([n]) => n === layerName)?.[1];
  if (!layer) {
    throw new Error(
      `featureMapGrid: no layer '${layerName}'; layers are: ${named
        .map(([n]) => n)
        .filter((n) => n)
        .join(', ')}`,
    );
  }
  let captured: { shape: number[]; data: Float32Array } | undefined;
  const handle = layer.registerForwardHook((_m, _inputs, output) => {
    const t =
      output instanceof tf.Tensor
        ? output
        : Array.isArray(output)
          ? output.find((o) => o instanceof tf.Tensor)
          : undefined;
    // read it now: the pass runs inside noGrad's tidy, which frees the tensor afterwards
    if (t instanceof tf.Tensor && !captured)
      captured = { shape: t.shape.slice(), data: Float32Array.from(t.dataSync() as ArrayLike<number>) };
    return undefined;
  });
  const modules = model.modules();
  const modes = modules.map((m) => m.training);
  try {
    model.train((options.mode ?? 'eval') === 'train');
    noGrad(() => {
      const x =
        input.rank === 3
          ? input.expandDims(0)
          : input.rank === 4 && (input.shape[0] as number) > 1
            ? input.slice(0, 1)
            : input;
      (model.call as (...a: unknown[]) => unknown).call(model, x);
    });
  } finally {
    handle.remove();
    modules.forEach((m, i) => {
      m.training = modes[i] ?? m.training;
    });
  }
  if (!captured) throw new Error(`featureMapGrid: layer '${layerName}' was not called during the forward pass`);
  const { shape, data } = captured;
  // [1, C, H, W] → C maps; [1, F] → one strip of F values
  const [C, H, W] =
    shape.length === 4
      ? [shape[1], shape[2], shape[3]]
      : shape.length === 3
        ? [shape[1], 1, shape[2]]
        : [1, 1, shape.at(-1)];
  const c = C as number;
  const h = H as number;
  const w = W as number;
  const cmap = COLORMAPS[options.cmap ?? 'viridis'];
  const cells: GridCell[] = [];
  for (let k = 0; k < Math.min(c, options.maxMaps ?? 64); k++) {
    const map = data.slice(k * h * w, (k + 1) * h * w);
    cells.push({
      rgb: toRgb(normalizeImage({ width: w, height: h, channels: 1, data: map }, 'minmax'), 1, cmap),
      width: w,
      height: h,
      title: String(k),
    });
  }
  return gridFigure(cells, {
    ...options,
    title: options.title ?? `${layerName} (${layer.typeName}) output [${shape.join(', ')}]`,
  });
}
