/**
 * PyTorch's SummaryWriter for Node.js: TensorBoard event files, a reader for them, and the record-level building
 * blocks; logs on the local disk or under an s3:// prefix (gfile). Depends on no other trainkit package.
 *
 * @module @trainkit/tensorboard
 */
export { crc32c, maskCrc, maskedCrc32c, unmaskCrc } from './crc32c.js';
export { EventFileWriter, type EventFileWriterOptions } from './event-file-writer.js';
export { type EventFileContents, parseEventFile, readEvents } from './event-reader.js';
export type { EventRecordWriter } from './event-record-writer.js';
export { defaultLogDir, eventFileName } from './file-names.js';
export { isEventFile, LogdirError, listRuns, type RunLocation } from './logdir.js';
export { encodePng, type PngImage } from './png/png-encoder.js';
export {
  PROJECTOR_CONFIG,
  type ProjectorConfigIssue,
  type ProjectorEmbedding,
  parseProjectorConfig,
} from './projector-config.js';
export type { EventProto, GraphDefProto, LayoutProto, SummaryProto, SummaryValueProto } from './proto.js';
export { type RecordIssue, type RecordsRead, readRecords } from './record-reader.js';
export {
  type AudioEntry,
  type HistogramEntry,
  type HParamsEntry,
  type ImageEntry,
  loadLogdir,
  loadRun,
  type MeshEntry,
  type MeshTensor,
  type PrCurveEntry,
  type RunData,
  type ScalarPoint,
  type TagInfo,
  type TensorEntry,
  type TextEntry,
  tensorValues,
} from './run-loader.js';
export { S3EventFileWriter, type S3EventFileWriterOptions } from './s3-event-file-writer.js';
export type { FileEntry, FileSystem } from './storage/file-system.js';
export { fileSystemFor, gfile, joinPath } from './storage/gfile.js';
export { localFileSystem } from './storage/local-file-system.js';
export { loadS3Sdk } from './storage/s3-client.js';
export { s3FileSystem } from './storage/s3-file-system.js';
export { type S3Settings, s3SettingsFromEnv } from './storage/s3-settings.js';
export { formatS3Url, isS3Url, parseS3Url, type S3Location } from './storage/s3-url.js';
export type { CustomScalarLayout } from './summary/custom-scalars.js';
export type { FigureInput } from './summary/figure.js';
export type {
  GraphModel,
  GraphNode,
  GraphSource,
  GraphTrace,
  HookableModule,
  LayerLike,
  LayersModelLike,
} from './summary/graph.js';
export { DEFAULT_BINS, type HistogramBins, makeHistogram } from './summary/histogram.js';
export type { HParamValue } from './summary/hparams.js';
export { SummaryWriter, type SummaryWriterOptions } from './summary-writer.js';
export type {
  AsyncTensorLike,
  NestedNumbers,
  ShapedArray,
  SyncTensorLike,
  TensorInput,
  TypedArray,
} from './tensor-like.js';
export { encodeRecord } from './tfrecord.js';
export type {
  AudioOptions,
  CustomChartOptions,
  EmbeddingOptions,
  GraphOptions,
  HistogramOptions,
  HistogramRawData,
  HparamsOptions,
  ImageOptions,
  ImageWithBoxesOptions,
  MeshOptions,
  PrCurveOptions,
  PrCurveRawData,
  ScalarOptions,
  StepOptions,
  VideoOptions,
} from './writer-options.js';
