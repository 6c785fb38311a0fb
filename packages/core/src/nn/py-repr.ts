/**
 * Formats a value as Python prints it, so that `model.toString()` reads like `print(model)` in PyTorch:
 * booleans as True/False, null as None, arrays as tuples.
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${pyRepr(value[0])},)` : `(${value.map(pyRepr).join(', ')})`;
  return String(value);
}

function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  // Python's repr is the shortest round-trip form with an exponent below 1e-4: 1e-05, 0.0001.
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [m, e] = x.toExponential().split('e') as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(x);
}

/** `key=value` pairs joined by ', ', as extra_repr writes them. */
export function kwargs(entries: Record<string, unknown>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}=${pyRepr(v)}`)
    .join(', ');
}
