import type { AxisScale } from './axes.js';
import type { Figure, PngOptions } from './figure.js';
import { type LegendLocation, type LineSeries, linePlot } from './line-plot.js';

export interface AnimatorOptions {
  xlabel?: string;
  ylabel?: string;
  /** Series names in drawing order; names first seen in add() are appended. */
  legend?: string[];
  xlim?: [number, number];
  ylim?: [number, number];
  xscale?: AxisScale;
  yscale?: AxisScale;
  /** matplotlib-style formats per series; d2l's default ('-', 'm--', 'g-.', 'r:'). */
  fmts?: string[];
  title?: string;
  legendLocation?: LegendLocation;
  /** Rewritten (atomically) after every add(): .png or .svg. */
  file?: string;
  width?: number;
  height?: number;
  png?: PngOptions;
}

export type AnimatorValues = Record<string, number | null | undefined> | readonly (number | null | undefined)[];

/**
 * Training curves drawn as they grow, like d2l.Animator: `add(epoch, { 'train loss': l, 'test acc': a })` after
 * each step appends the points and, when `file` is set, rewrites the image so an open viewer shows the progress.
 * A missing value (undefined or null) adds no point, so series may be sampled at different x.
 */
export class Animator {
  readonly #opts: AnimatorOptions;
  readonly #names: string[];
  readonly #data = new Map<string, { x: number[]; y: number[] }>();

  constructor(options: AnimatorOptions = {}) {
    this.#opts = options;
    this.#names = [...(options.legend ?? [])];
  }

  /** Adds one x with a value per series (by name, or by position in `legend`), then refreshes the file. */
  add(x: number, values: AnimatorValues): void {
    const entries: [string, number | null | undefined][] = Array.isArray(values)
      ? (values as (number | null | undefined)[]).map((v, i) => [this.#names[i] ?? `series ${i}`, v])
      : Object.entries(values);
    for (const [name, v] of entries) {
      if (!this.#names.includes(name)) this.#names.push(name);
      if (v === null || v === undefined) continue;
      let d = this.#data.get(name);
      if (!d) {
        d = { x: [], y: [] };
        this.#data.set(name, d);
      }
      d.x.push(x);
      d.y.push(v);
    }
    if (this.#opts.file) this.save(this.#opts.file);
  }

  /** The points so far, per series name. */
  get data(): ReadonlyMap<string, { readonly x: readonly number[]; readonly y: readonly number[] }> {
    return this.#data;
  }

  figure(): Figure {
    const o = this.#opts;
    const fmts = o.fmts ?? ['-', 'm--', 'g-.', 'r:'];
    const series: LineSeries[] = this.#names.map((name, i) => {
      const d = this.#data.get(name) ?? { x: [], y: [] };
      return { name, x: d.x, y: d.y, fmt: fmts[i % fmts.length] };
    });
    return linePlot(series, {
      xlabel: o.xlabel,
      ylabel: o.ylabel,
      title: o.title,
      xlim: o.xlim,
      ylim: o.ylim,
      xscale: o.xscale,
      yscale: o.yscale,
      legendLocation: o.legendLocation,
      width: o.width,
      height: o.height,
    });
  }

  toSVG(): string {
    return this.figure().toSVG();
  }

  toPNG(options: PngOptions = this.#opts.png ?? {}): Uint8Array {
    return this.figure().toPNG(options);
  }

  save(path: string, options: PngOptions = this.#opts.png ?? {}): void {
    this.figure().save(path, options);
  }
}
