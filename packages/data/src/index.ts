/**
 * PyTorch's torch.utils.data and the torchvision datasets and transforms that training scripts use: Dataset,
 * DataLoader, samplers, transforms, MNIST, CIFAR-10, ImageFolder.
 *
 * @module @trainkit/data
 */
export { type Collated, defaultCollate } from './collate.js';
export { ConcatDataset } from './concat-dataset.js';
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export { Dataset, IterableDataset, type MapDataset } from './dataset.js';
export {
  CIFAR_RECORD_BYTES,
  CIFAR10,
  CIFAR10_ARCHIVE,
  CIFAR10_ARCHIVE_MD5,
  CIFAR10_CLASSES,
  type CIFAR10Options,
  type Cifar10Location,
  locateCifar10,
  parseCifarMeta,
} from './datasets/cifar10.js';
export {
  type DatasetNotFoundDetails,
  DatasetNotFoundError,
  type DatasetPlacement,
} from './datasets/dataset-not-found-error.js';
export type { DownloadSettings } from './datasets/download-settings.js';
export { FashionMNIST } from './datasets/fashion-mnist.js';
export { IDX_IMAGES, IDX_LABELS, type IdxArray, parseIdx, readIdxFile } from './datasets/idx.js';
export { type DecodeImageOptions, decodeImage, loadImageFile } from './datasets/image-decode.js';
export { ImageFolder, type ImageFolderOptions } from './datasets/image-folder.js';
export {
  checkImageSize,
  DecompressionBombError,
  type ImageLimitOptions,
  MAX_IMAGE_PIXELS,
} from './datasets/image-limits.js';
export { MNIST, type MNISTOptions } from './datasets/mnist.js';
export { VisionDataset, type VisionDatasetOptions } from './datasets/vision-dataset.js';
export type { ArrayTensor, ImageArray, TypedArray } from './image-array.js';
export { isArrayTensor, isImageArray } from './image-array.js';
export { DataFileError } from './io/data-file-error.js';
export { DownloadError, type DownloadOptions, downloadFile } from './io/download.js';
export { type ExtractTarOptions, extractTar } from './io/extract-tar.js';
export { checkMd5, md5File } from './io/md5.js';
export { type DownloadProgress, type ProgressCallback, stderrProgress } from './io/progress.js';
export { type ReadTarOptions, readTar, type TarEntry, type TarEntrySink } from './io/tar-reader.js';
export { randomSplit } from './random-split.js';
export {
  RandomSampler,
  type RandomSamplerOptions,
  type Sampler,
  SequentialSampler,
  SubsetRandomSampler,
} from './sampler.js';
export { Subset } from './subset.js';
export { syntheticData } from './synthetic-data.js';
export { TensorDataset } from './tensor-dataset.js';
export * as transforms from './transforms/index.js';
