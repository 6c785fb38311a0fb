import type { Module } from './module.js';

/**
 * An error raised by a layer about its own input or configuration. The outermost Module.call on the way up fills in
 * the layer's dotted path, giving messages like `Linear 'seq.7': expected input [*, 1024], got [64, 4096]`.
 */
export class ModuleError extends Error {
  path: string | undefined;

  constructor(
    readonly module: Module,
    readonly detail: string,
  ) {
    super(`${module.typeName}: ${detail}`);
    this.name = 'ModuleError';
  }

  /** @internal */
  setPath(path: string): void {
    this.path = path;
    this.message = path
      ? `${this.module.typeName} '${path}': ${this.detail}`
      : `${this.module.typeName}: ${this.detail}`;
  }
}

/** Formats a shape the way the error messages show it: [64, 3, 32, 32]. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
