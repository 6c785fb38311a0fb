/**
 * Python's fixed-point formatting (`f'{x:W.Df}'`): ties round half to even, as CPython's correctly rounded
 * formatting does for exactly representable halves (12.5 -> '12'), where JS toFixed rounds them up.
 */
export function pyFixed(x: number, digits: number, width = 0): string {
  let s: string;
  if (!Number.isFinite(x)) s = Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  else {
    const scaled = Math.abs(x) * 10 ** digits;
    const floor = Math.floor(scaled);
    if (scaled - floor === 0.5 && Number.isSafeInteger(floor)) {
      const even = floor % 2 === 0 ? floor : floor + 1;
      s = (Math.sign(x) * (even / 10 ** digits)).toFixed(digits);
      if (x < 0 && even === 0) s = `-${s}`;
    } else s = x.toFixed(digits);
  }
  return s.padStart(width);
}

/** Python's `f'{x:.{p}g}'`: p significant digits, exponent form below 1e-4 or from 10**p, trailing zeros dropped. */
export function pyGeneral(x: number, precision: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const [mantissa = '', expStr = '0'] = x.toExponential(precision - 1).split('e');
  const exp = Number(expStr);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    const sign = exp < 0 ? '-' : '+';
    return `${strip(mantissa)}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return strip(x.toFixed(Math.max(0, precision - 1 - exp)));
}

/** Python's `str(x)` for a number, near enough for display: integers without '.0', exponents zero-padded. */
export function pyStr(x: number): string {
  const ax = Math.abs(x);
  const s = ax !== 0 && Number.isFinite(x) && (ax < 1e-4 || ax >= 1e16) ? x.toExponential() : String(x);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
