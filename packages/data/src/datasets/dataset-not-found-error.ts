/**
 * A dataset's files are not where they should be (and were not, or could not be, downloaded). The message says
 * which files to place in which directory; `directory` and `files` hold the same facts.
 */
export class DatasetNotFoundError extends Error {
  constructor(
    message: string,
    readonly directory: string,
    readonly files: string[],
  ) {
    super(message);
    this.name = 'DatasetNotFoundError';
  }
}
