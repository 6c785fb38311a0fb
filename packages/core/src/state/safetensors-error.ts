/**
 * A safetensors file (or buffer) that cannot be read or written. The message names the source, and where known the
 * byte offset in the file and the tensor at fault; the same facts are fields for programs.
 */
export class SafetensorsError extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
    readonly where: { offset?: number; tensor?: string } = {},
  ) {
    const at = [
      where.tensor !== undefined ? `tensor '${where.tensor}'` : '',
      where.offset !== undefined ? `byte ${where.offset}` : '',
    ]
      .filter(Boolean)
      .join(' at ');
    super(`${source}: ${at ? `${at}: ` : ''}${detail}`);
    this.name = 'SafetensorsError';
  }
}
