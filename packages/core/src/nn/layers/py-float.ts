import { pyRepr } from '../py-repr.js';

/** A float as Python's str prints it, integral values included: 0.5, 1e-05, 1.0 (pyRepr would print 1). */
export function pyFloat(x: number | null): string {
  if (x === null) return 'None';
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? x.toFixed(1) : pyRepr(x);
}
