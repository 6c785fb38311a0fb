import { pyFixed, pyGeneral, pyStr } from './py-format.js';

/** The meter's fill characters: tqdm's UTF set (space, then eighths ▏..▉, then full block █) and its ASCII set. */
export const UNICODE_BAR_CHARS = ` ${Array.from({ length: 8 }, (_, i) => String.fromCharCode(0x258f - i)).join('')}`;
export const ASCII_BAR_CHARS = ' 123456789#';

/**
 * A number with an SI prefix in at most 3 significant digits, as tqdm.format_sizeof:
 * 1234 -> '1.23k', 12345 -> '12.3k', 999.6 -> '1.00k'.
 */
export function formatSizeof(num: number, suffix = '', divisor = 1000): string {
  let x = num;
  for (const unit of ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z']) {
    if (Math.abs(x) < 999.5) {
      if (Math.abs(x) < 99.95) {
        if (Math.abs(x) < 9.995) return `${pyFixed(x, 2, 1)}${unit}${suffix}`;
        return `${pyFixed(x, 1, 2)}${unit}${suffix}`;
      }
      return `${pyFixed(x, 0, 3)}${unit}${suffix}`;
    }
    x /= divisor;
  }
  return `${pyFixed(x, 1, 3)}Y${suffix}`;
}

/** Seconds as a clock, [H:]MM:SS, truncating like tqdm.format_interval. */
export function formatInterval(t: number): string {
  const sign = t < 0 ? '-' : '';
  const total = Math.trunc(Math.abs(t));
  const s = total % 60;
  const mins = Math.floor(total / 60);
  const m = mins % 60;
  const h = Math.floor(mins / 60);
  const two = (v: number) => String(v).padStart(2, '0');
  return h ? `${sign}${h}:${two(m)}:${two(s)}` : `${sign}${two(m)}:${two(s)}`;
}

/** tqdm.format_num: '.3g' with the exponent unpadded, unless the plain form is shorter. */
export function formatNum(n: number): string {
  const g = pyGeneral(n, 3).replace('e+0', 'e+').replace('e-0', 'e-');
  const plain = pyStr(n);
  return g.length < plain.length ? g : plain;
}

// Combining marks and most escape sequences take no cells; East Asian wide characters take two.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
function charWidth(cp: number): number {
  if (cp === 0 || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f)) return 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Terminal cells a string takes (tqdm's disp_len). */
export function dispLen(s: string): number {
  let n = 0;
  for (const ch of s.replace(ANSI, '')) n += charWidth(ch.codePointAt(0) ?? 0);
  return n;
}

/** Cuts a string to `width` terminal cells (tqdm's disp_trim). */
export function dispTrim(s: string, width: number): string {
  if (dispLen(s) <= width) return s;
  let out = '';
  let n = 0;
  for (const ch of s.replace(ANSI, '')) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (n + w > width) break;
    out += ch;
    n += w;
  }
  return out;
}

/** The meter itself: `frac` of `width` cells, the partial cell drawn with the charset's intermediate symbols. */
export function formatBar(frac: number, width: number, charset = UNICODE_BAR_CHARS): string {
  const f = Math.max(0, Math.min(1, frac));
  const nsyms = charset.length - 1;
  const cells = Math.trunc(f * width * nsyms);
  const full = Math.floor(cells / nsyms);
  const part = cells % nsyms;
  const last = charset[nsyms] ?? '#';
  let res = last.repeat(full);
  if (full < width) res += (charset[part] ?? ' ') + (charset[0] ?? ' ').repeat(width - full - 1);
  return res;
}

export interface MeterOptions {
  /** Finished iterations. */
  n: number;
  /** Expected iterations; undefined (or exceeded) shows counts and rate only, no bar or ETA. */
  total?: number | undefined;
  /** Seconds since the start. */
  elapsed: number;
  /** Width of the whole line; the bar takes what the text leaves. Undefined: a 10-cell bar, no trimming. */
  ncols?: number | undefined;
  /** The description; ': ' is added unless it ends with one. */
  prefix?: string;
  /** Use ASCII fill characters (true) or the given charset (a string). */
  ascii?: boolean | string;
  unit?: string;
  /** true: SI prefixes on counts and rate; a number: multiply n, total and rate by it. */
  unitScale?: boolean | number;
  /** Iterations per second; undefined uses the average since the start. */
  rate?: number | undefined;
  /** Preformatted postfix ('loss=0.51'), appended after the rate. */
  postfix?: string | undefined;
  unitDivisor?: number;
  /** Counter value at the start (excluded from the average rate). */
  initial?: number;
}

/**
 * One progress line, character for character as tqdm.format_meter with the default bar_format:
 * `desc: 45%|████▌     | 450/1000 [00:03<00:04, 130.20batch/s, loss=0.51]`.
 */
export function formatMeter(o: MeterOptions): string {
  let { n, total, rate } = o;
  const { elapsed, ncols, prefix = '', unit = 'it', postfix, unitDivisor = 1000, initial = 0 } = o;
  let unitScale = o.unitScale ?? false;
  if (total !== undefined && total !== 0 && (n >= total + 0.5 || total === Number.POSITIVE_INFINITY)) total = undefined;
  if (typeof unitScale === 'number' && unitScale !== 1 && unitScale !== 0) {
    if (total) total *= unitScale;
    n *= unitScale;
    if (rate) rate *= unitScale;
    unitScale = false;
  }
  const scaled = unitScale === true || unitScale === 1;
  const elapsedStr = formatInterval(elapsed);
  if (rate === undefined && elapsed) rate = (n - initial) / elapsed;
  const invRate = rate ? 1 / rate : undefined;
  const rateNoinvFmt = `${rate ? (scaled ? formatSizeof(rate) : pyFixed(rate, 2, 5)) : '?'}${unit}/s`;
  const rateInvFmt = `${invRate ? (scaled ? formatSizeof(invRate) : pyFixed(invRate, 2, 5)) : '?'}s/${unit}`;
  const rateFmt = invRate && invRate > 1 ? rateInvFmt : rateNoinvFmt;
  const nFmt = scaled ? formatSizeof(n, '', unitDivisor) : String(n);
  const totalFmt = total === undefined ? '?' : scaled ? formatSizeof(total, '', unitDivisor) : String(total);
  const post = postfix ? `, ${postfix}` : '';
  const remaining = rate && total ? (total - n) / rate : 0;
  const remainingStr = rate ? formatInterval(remaining) : '?';
  let lBar = prefix ? (prefix.endsWith(': ') ? prefix : `${prefix}: `) : '';
  const rBar = `| ${nFmt}/${totalFmt} [${elapsedStr}<${remainingStr}, ${rateFmt}${post}]`;

  if (total) {
    const frac = n / total;
    lBar += `${pyFixed(frac * 100, 0, 3)}%|`;
    if (ncols === 0) return lBar.slice(0, -1) + rBar.slice(1);
    const nobar = lBar + rBar;
    const width = ncols ? Math.max(1, ncols - dispLen(nobar)) : 10;
    const charset = o.ascii === true ? ASCII_BAR_CHARS : typeof o.ascii === 'string' ? o.ascii : UNICODE_BAR_CHARS;
    const res = lBar + formatBar(frac, width, charset) + rBar;
    return ncols ? dispTrim(res, ncols) : res;
  }
  const res = `${lBar}${nFmt}${unit} [${elapsedStr}, ${rateFmt}${post}]`;
  return ncols ? dispTrim(res, ncols) : res;
}
