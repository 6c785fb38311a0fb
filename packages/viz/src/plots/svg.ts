import { FONT_FAMILY } from './font.js';

export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

export type Attrs = Record<string, string | number | undefined>;

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, ''));

/** `<name a="1">content</name>`; undefined attributes are left out, numbers rounded to 2 decimals. */
export function tag(name: string, attrs: Attrs = {}, content?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(String(v))}"`)
    .join('');
  return content === undefined ? `<${name}${a}/>` : `<${name}${a}>${content}</${name}>`;
}

export interface TextStyle {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  baseline?: 'auto' | 'middle' | 'hanging' | 'central';
  fill?: string;
  bold?: boolean;
  rotate?: number;
}

/** A text element; `\n` in `s` starts a new line (1.2 em apart). */
export function text(x: number, y: number, s: string, style: TextStyle = {}): string {
  const size = style.size ?? 12;
  const lines = s.split('\n');
  const attrs: Attrs = {
    x,
    y,
    'font-size': size,
    'text-anchor': style.anchor ?? 'start',
    'dominant-baseline': style.baseline,
    fill: style.fill ?? '#222',
    'font-weight': style.bold ? 'bold' : undefined,
    transform: style.rotate ? `rotate(${style.rotate} ${num(x)} ${num(y)})` : undefined,
  };
  if (lines.length === 1) return tag('text', attrs, escapeXml(s));
  const spans = lines.map((l, i) => tag('tspan', { x, dy: i === 0 ? 0 : size * 1.2 }, escapeXml(l))).join('');
  return tag('text', attrs, spans);
}

/** The whole document: a title for screen readers, white background, the bundled font as default family. */
export function svgDocument(width: number, height: number, body: string, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${FONT_FAMILY}, sans-serif">` +
    tag('title', {}, escapeXml(title)) +
    tag('rect', { width, height, fill: 'white' }) +
    body +
    '</svg>'
  );
}
