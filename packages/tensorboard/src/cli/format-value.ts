/** A scalar as the CLI prints it: 6 significant digits, without trailing zeros; NaN and ±Infinity as such. */
export function formatValue(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}
