import { isOptions } from '../functional/options.js';

/**
 * Throws unless `value` is a finite number, naming the init function and the argument: a NaN or infinite mean, std,
 * bound or gain would fill a weight with NaN or ±Infinity and ruin training silently.
 */
export function finiteArg(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${op}: ${name} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/**
 * The options object given in place of the positional numbers (`normal_(w, { mean, std })`), or undefined when the
 * numbers were given. A key the function does not take is an error: `{ sigma: 2 }` would otherwise fill with the
 * defaults.
 */
export function initOptions<T extends object>(
  op: string,
  value: unknown,
  keys: readonly (keyof T & string)[],
): T | undefined {
  if (!isOptions<T>(value)) return undefined;
  for (const k of Object.keys(value)) {
    if (!(keys as readonly string[]).includes(k)) {
      throw new Error(`${op}: unknown option '${k}' (expected ${keys.join(', ')})`);
    }
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'number' || value === undefined || value === null) return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return typeof value === 'object' ? JSON.stringify(value) : typeof value;
}
