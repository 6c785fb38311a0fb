/** One way to provide a dataset split: these `files` in `directory`. */
export interface DatasetPlacement {
  directory: string;
  files: string[];
}

/** The facts of a DatasetNotFoundError, for a program to phrase in its own terms (a CLI names its flags). */
export interface DatasetNotFoundDetails {
  /** 'MNIST', 'FashionMNIST', 'CIFAR10' */
  dataset: string;
  split: 'train' | 'test';
  /** where the missing files go; a download puts them there */
  directory: string;
  /** the missing files, named as downloaded (`train-images-idx3-ubyte.gz`, `cifar-10-binary.tar.gz`) */
  files: string[];
  /** md5 of each of `files` that has a published checksum */
  md5?: Record<string, string>;
  /** other ways to provide the split (the same files uncompressed, the archive's extracted files) */
  alternatives?: DatasetPlacement[];
  /**
   * The load() option that fetches `files` (`download`), when passing it would: absent when a download was tried
   * and failed (the `cause` says why) or could not help.
   */
  downloadOption?: 'download';
}

/**
 * A dataset's files are not where they should be (and were not, or could not be, downloaded). The message says
 * which files to place in which directory in the words of the library's API (`download: true`); the same facts are
 * fields, so that a program can say it in its own (`--download`) without parsing the message.
 */
export class DatasetNotFoundError extends Error implements DatasetNotFoundDetails {
  readonly dataset: string;
  readonly split: 'train' | 'test';
  readonly directory: string;
  readonly files: string[];
  readonly md5: Record<string, string>;
  readonly alternatives: DatasetPlacement[];
  readonly downloadOption: 'download' | undefined;

  constructor(message: string, details: DatasetNotFoundDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatasetNotFoundError';
    this.dataset = details.dataset;
    this.split = details.split;
    this.directory = details.directory;
    this.files = details.files;
    this.md5 = details.md5 ?? {};
    this.alternatives = details.alternatives ?? [];
    this.downloadOption = details.downloadOption;
  }
}
