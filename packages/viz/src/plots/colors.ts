/** matplotlib's tab10 cycle, the colours of C0..C9. */
export const TAB10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** matplotlib's one-letter colours, as in format strings like 'm--'. */
export const LETTER_COLORS: Record<string, string> = {
  b: '#0000ff',
  g: '#008000',
  r: '#ff0000',
  c: '#00bfbf',
  m: '#bf00bf',
  y: '#bfbf00',
  k: '#000000',
  w: '#ffffff',
};

export type RGB = [number, number, number];

function hex(c: string): RGB {
  const n = Number.parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A colour map: t in [0, 1] to RGB (0..255), by linear interpolation between evenly spaced stops. */
export type Colormap = (t: number) => RGB;

function fromStops(stops: string[]): Colormap {
  const rgb = stops.map(hex);
  return (t: number) => {
    const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (rgb.length - 1);
    const i = Math.min(Math.floor(x), rgb.length - 2);
    const f = x - i;
    const a = rgb[i] as RGB;
    const b = rgb[i + 1] as RGB;
    return [0, 1, 2].map((k) => Math.round((a[k] as number) + ((b[k] as number) - (a[k] as number)) * f)) as RGB;
  };
}

/** matplotlib's viridis (perceptually uniform, dark blue to yellow). */
export const viridis = fromStops([
  '#440154',
  '#482475',
  '#414487',
  '#355f8d',
  '#2a788e',
  '#21918c',
  '#22a884',
  '#44bf70',
  '#7ad151',
  '#bddf26',
  '#fde725',
]);

/** matplotlib's Blues (white to dark blue), the usual confusion-matrix map. */
export const blues = fromStops([
  '#f7fbff',
  '#deebf7',
  '#c6dbef',
  '#9ecae1',
  '#6baed6',
  '#4292c6',
  '#2171b5',
  '#08519c',
  '#08306b',
]);

/** matplotlib's RdBu_r (blue, white at 0.5, red): signed weights centred on zero. */
export const rdbu = fromStops([
  '#053061',
  '#2166ac',
  '#4393c3',
  '#92c5de',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#f4a582',
  '#d6604d',
  '#b2182b',
  '#67001f',
]);

/** matplotlib's gray: black to white. */
export const gray: Colormap = (t) => {
  const v = Math.round(Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * 255);
  return [v, v, v];
};

export const COLORMAPS = { viridis, blues, rdbu, gray } as const;
export type ColormapName = keyof typeof COLORMAPS;

export function rgbString([r, g, b]: RGB): string {
  return `rgb(${r},${g},${b})`;
}

/** Relative luminance (0 dark .. 1 light), to pick black or white text over a cell. */
export function luminance([r, g, b]: RGB): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
