import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Plots use DejaVu Sans from the `dejavu-fonts-ttf` npm package and never the system's fonts, so a PNG comes out
 * the same on every machine (and text renders on CI machines that have no fonts installed at all).
 */
export const FONT_FAMILY = 'DejaVu Sans';

const require = createRequire(import.meta.url);

export function fontFiles(): string[] {
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));
}

interface Metrics {
  unitsPerEm: number;
  advance: (codePoint: number) => number | undefined;
}

let metrics: Metrics | undefined;

// Reads just enough of the TrueType file (head, hhea, hmtx and a format-4 cmap) to know each character's advance
// width, so labels can be measured for layout without a canvas.
function loadMetrics(): Metrics {
  const buf = readFileSync(fontFiles()[0] as string);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const numTables = dv.getUint16(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(dv.getUint8(rec), dv.getUint8(rec + 1), dv.getUint8(rec + 2), dv.getUint8(rec + 3));
    tables.set(tag, dv.getUint32(rec + 8));
  }
  const head = tables.get('head');
  const hhea = tables.get('hhea');
  const hmtx = tables.get('hmtx');
  const cmap = tables.get('cmap');
  if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) {
    throw new Error('font: DejaVuSans.ttf lacks a head, hhea, hmtx or cmap table');
  }
  const unitsPerEm = dv.getUint16(head + 18);
  const numHMetrics = dv.getUint16(hhea + 34);
  let sub: number | undefined;
  const numSub = dv.getUint16(cmap + 2);
  for (let i = 0; i < numSub; i++) {
    const platform = dv.getUint16(cmap + 4 + 8 * i);
    const encoding = dv.getUint16(cmap + 6 + 8 * i);
    const offset = cmap + dv.getUint32(cmap + 8 + 8 * i);
    if (platform === 3 && encoding === 1 && dv.getUint16(offset) === 4) sub = offset;
  }
  if (sub === undefined) throw new Error('font: DejaVuSans.ttf has no Unicode BMP (format 4) cmap');
  const segX2 = dv.getUint16(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  const glyphOf = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > dv.getUint16(ends + s)) continue;
      const start = dv.getUint16(starts + s);
      if (cp < start) return 0;
      const delta = dv.getInt16(deltas + s);
      const ro = dv.getUint16(rangeOffsets + s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = dv.getUint16(rangeOffsets + s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number | undefined>();
  const advance = (cp: number) => {
    if (cache.has(cp)) return cache.get(cp);
    const g = glyphOf(cp);
    const w = g === 0 ? undefined : dv.getUint16(hmtx + 4 * Math.min(g, numHMetrics - 1));
    cache.set(cp, w);
    return w;
  };
  return { unitsPerEm, advance };
}

/** Width in px of `text` set in DejaVu Sans at `fontSize` px (bold is about 10% wider). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  metrics ??= loadMetrics();
  let units = 0;
  for (const ch of text) units += metrics.advance(ch.codePointAt(0) ?? 0) ?? metrics.unitsPerEm * 0.6;
  return (units / metrics.unitsPerEm) * fontSize * (bold ? 1.1 : 1);
}
