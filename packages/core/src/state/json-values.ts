// JSON has no infinities or NaN (JSON.stringify writes null), but scheduler state holds them (ReduceLROnPlateau's
// best starts at ±Infinity). They are written as {"$float": "Infinity" | "-Infinity" | "NaN"}.
const TAG = '$float';

/** JSON.stringify that keeps ±Infinity and NaN. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? { [TAG]: String(v) } : v));
}

/** JSON.parse that restores what stringifyJson wrote. */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, v) => {
    if (
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.keys(v).length === 1 &&
      typeof v[TAG] === 'string'
    ) {
      return Number(v[TAG]);
    }
    return v;
  });
}
