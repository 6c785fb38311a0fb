/** A saved architecture that cannot be rebuilt here: an unregistered class, or a constructor that refused its arguments. */
export class ArchitectureError extends Error {
  constructor(
    message: string,
    /** the class that is missing or failed, as the file names it */
    readonly className: string,
    /** the module's dotted path in the model ('' for the model itself) */
    readonly path: string,
  ) {
    super(message);
    this.name = 'ArchitectureError';
  }
}
