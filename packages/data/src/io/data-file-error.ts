export interface DataFileErrorDetails {
  /** the file at fault */
  file: string;
  /** byte offset of the fault in the file (in the uncompressed stream for .gz) */
  offset?: number;
  expected?: string | number;
  actual?: string | number;
}

/**
 * A dataset file that cannot be used as it is: truncated, corrupted, of the wrong format or checksum. The message
 * names the file and, where known, the byte offset and what was expected and found; the same facts are fields.
 */
export class DataFileError extends Error {
  readonly file: string;
  readonly offset: number | undefined;
  readonly expected: string | number | undefined;
  readonly actual: string | number | undefined;

  constructor(message: string, details: DataFileErrorDetails) {
    super(message);
    this.name = 'DataFileError';
    this.file = details.file;
    this.offset = details.offset;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}
