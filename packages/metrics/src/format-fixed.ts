/**
 * x with `digits` decimals exactly as Python's '{:.{digits}f}' prints it, so reports match scikit-learn's character
 * for character. Both round the exact binary value; they differ only on exact ties (0.125 → Python '0.12', JS
 * toFixed '0.13'), where Python rounds half to even.
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const fixed = x.toFixed(digits);
  // toFixed(100) is the exact decimal expansion of every double this module prints (|x| >= 2^-40 or 0).
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return fixed;
  // An exact tie: toFixed rounded away from zero; round to the even neighbour instead.
  const truncated = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
  const lastDigit = Number(truncated[truncated.length - 1]);
  if (lastDigit % 2 === 0) return (x < 0 ? '-' : '') + truncated;
  return fixed;
}
