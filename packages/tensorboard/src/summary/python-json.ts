/**
 * Python's `json.dumps(value, sort_keys=True)` with its defaults (", " and ": " separators, ensure_ascii, NaN and
 * Infinity allowed), so a config dict serializes to the same text tensorboardX writes. Numbers: an integral number
 * is written as Python writes an int (JavaScript cannot tell 1 from 1.0), any other as Python's float repr.
 */
export function pythonJsonDumps(value: unknown, what: string): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v, what)).join(', ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const obj = value as Record<string, unknown>;
    return `{${keys.map((k) => `${pythonString(k)}: ${pythonJsonDumps(obj[k], what)}`).join(', ')}}`;
  }
  throw new TypeError(`${what}: cannot write a ${typeof value} as JSON`);
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(n)) return BigInt(n).toString();
  // Python's repr: the shortest round-trip digits (as toExponential gives them), in positional notation when the
  // decimal exponent is in [-4, 16), else d.ddde±XX.
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(n);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
