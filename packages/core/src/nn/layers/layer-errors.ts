import { ShapeError } from '../functional/shape-error.js';
import type { Module } from '../module.js';
import { ModuleError } from '../module-error.js';

/**
 * Runs a layer's functional form, re-raising its ShapeError as a ModuleError naming the layer, so that the outermost
 * call adds the path: `Linear 'seq.7': expected input [*, 1024], got [64, 4096]`.
 */
export function asLayer<T>(module: Module, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ShapeError) throw new ModuleError(module, err.detail);
    throw err;
  }
}
