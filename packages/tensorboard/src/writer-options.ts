import type { ArgSpec } from './call-args.js';
import type { HistogramBins } from './summary/histogram.js';
import type { HParamValue } from './summary/hparams.js';
import type { TensorInput } from './tensor-like.js';

// The options objects of SummaryWriter's methods: tensorboardX's keyword arguments in camelCase. Each can stand
// in for the method's optional positionals (and may follow some of them); ArgSpec says in which order those come.

/** When the event happened. `step` is short for `globalStep`. */
export interface StepOptions {
  /** The step (x axis); default 0. */
  globalStep?: number;
  /** Alias of globalStep. */
  step?: number;
  /** Event time in seconds since the epoch; default now. */
  walltime?: number;
}

export interface ScalarOptions extends StepOptions {
  /** Write a tensor with the `scalars` plugin instead of a simple_value (PyTorch's new_style). */
  newStyle?: boolean;
  /** With newStyle, a float64 tensor instead of float32. */
  doublePrecision?: boolean;
  /** Chart title TensorBoard shows instead of the tag (SummaryMetadata.display_name). */
  displayName?: string;
  /** Text behind the chart's info icon (SummaryMetadata.summary_description). */
  summaryDescription?: string;
  /** Alias of summaryDescription. */
  description?: string;
}

export interface HistogramOptions extends StepOptions {
  bins?: HistogramBins;
  maxBins?: number;
}

/** addHistogramRaw's statistics, all required, in one object with the step options. */
export interface HistogramRawData extends StepOptions {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimits: ArrayLike<number>;
  bucketCounts: ArrayLike<number>;
}

export interface ImageOptions extends StepOptions {
  /** CHW (addImage's default), HWC, HW, NCHW (addImages' default), NHWC… */
  dataformats?: string;
}

export interface ImageWithBoxesOptions extends ImageOptions {
  /** Only 1 (no resizing) is supported. */
  rescale?: number;
  /** One label per box, drawn in the box's lower left corner. */
  labels?: readonly string[] | string;
}

export interface VideoOptions extends StepOptions {
  /** Frames per second; default 4. */
  fps?: number;
  /** NTCHW by default. */
  dataformats?: string;
}

export interface AudioOptions extends StepOptions {
  /** Hz; default 44100. */
  sampleRate?: number;
}

export interface GraphOptions {
  /** Print each node. */
  verbose?: boolean;
}

export interface HparamsOptions {
  hparamDomainDiscrete?: Record<string, HParamValue[]>;
  /** A child run `<logdir>/<runName>` instead of this writer's run. */
  runName?: string;
  /** Step of the metrics and hparams summaries; default the highest step this writer has logged. */
  globalStep?: number;
  step?: number;
}

export interface PrCurveOptions extends StepOptions {
  /** Default 127, which is also the most. */
  numThresholds?: number;
  weights?: TensorInput;
}

/** addPrCurveRaw's counts, all required, in one object with the other options. */
export interface PrCurveRawData extends StepOptions {
  truePositiveCounts: ArrayLike<number>;
  falsePositiveCounts: ArrayLike<number>;
  trueNegativeCounts: ArrayLike<number>;
  falseNegativeCounts: ArrayLike<number>;
  precision: ArrayLike<number>;
  recall: ArrayLike<number>;
  numThresholds?: number;
}

export interface CustomChartOptions {
  category?: string;
  title?: string;
}

export interface EmbeddingOptions {
  /** One label per point, or rows of columns with metadataHeader. */
  metadata?: unknown[];
  /** [points, C, H, W] images for the sprite. */
  labelImg?: TensorInput;
  globalStep?: number;
  step?: number;
  /** Default 'default'. */
  tag?: string;
  metadataHeader?: string[];
}

export interface MeshOptions extends StepOptions {
  /** [batch, vertices, 3] RGB in [0, 255]. */
  colors?: TensorInput;
  /** [batch, faces, 3] vertex indices. */
  faces?: TensorInput;
  /** three.js classes and settings: `{ camera: { cls, fov }, lights: [...], material: {...} }`. */
  configDict?: Record<string, unknown>;
}

const STEP = ['globalStep', 'walltime'] as const;

/** The optional positionals of each method, in PyTorch's order (tensorboardX's where PyTorch lacks the method). */
export const ARGS = {
  scalar: { positional: [...STEP, 'newStyle', 'doublePrecision'], named: ['displayName', 'summaryDescription'] },
  scalars: { positional: STEP },
  histogram: { positional: ['globalStep', 'bins', 'walltime', 'maxBins'] },
  histogramRaw: {
    positional: ['min', 'max', 'num', 'sum', 'sumSquares', 'bucketLimits', 'bucketCounts', ...STEP],
    required: 7,
  },
  image: { positional: [...STEP, 'dataformats'] },
  imageWithBoxes: { positional: [...STEP, 'rescale', 'dataformats', 'labels'] },
  figure: { positional: STEP },
  video: { positional: ['globalStep', 'fps', 'walltime', 'dataformats'] },
  audio: { positional: ['globalStep', 'sampleRate', 'walltime'] },
  text: { positional: STEP },
  graph: { positional: ['inputToModel', 'verbose'], objectValued: ['inputToModel'] },
  hparams: { positional: ['hparamDomainDiscrete', 'runName', 'globalStep'], objectValued: ['hparamDomainDiscrete'] },
  prCurve: { positional: ['globalStep', 'numThresholds', 'weights', 'walltime'], objectValued: ['weights'] },
  prCurveRaw: {
    positional: [
      'truePositiveCounts',
      'falsePositiveCounts',
      'trueNegativeCounts',
      'falseNegativeCounts',
      'precision',
      'recall',
      'globalStep',
      'numThresholds',
      'walltime',
    ],
    required: 6,
  },
  customChart: { positional: ['category', 'title'] },
  embedding: {
    positional: ['metadata', 'labelImg', 'globalStep', 'tag', 'metadataHeader'],
    objectValued: ['labelImg'],
  },
  mesh: {
    positional: ['colors', 'faces', 'configDict', 'globalStep', 'walltime'],
    objectValued: ['colors', 'faces', 'configDict'],
  },
} as const satisfies Record<string, ArgSpec>;
