/**
 * Thrown by a functional form when its arguments do not fit together (wrong rank, channel count, a kernel larger than
 * the padded input). `op` names the function, `detail` says what was expected and what came, so that a layer calling
 * the function can report the same detail under its own name and path.
 */
export class ShapeError extends Error {
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${op}: ${detail}`);
    this.name = 'ShapeError';
  }
}
