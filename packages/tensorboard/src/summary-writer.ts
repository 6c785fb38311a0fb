import { asyncDispose } from './async-dispose.js';
import { writeFileAtomic } from './atomic-write.js';
import { callArgs } from './call-args.js';
import { EventFileWriter } from './event-file-writer.js';
import type { EventRecordWriter } from './event-record-writer.js';
import { defaultLogDir } from './file-names.js';
import {
  type EventProto,
  encodeMessage,
  pb,
  SessionStatus,
  type SummaryMetadataProto,
  type SummaryValueProto,
} from './proto.js';
import { S3EventFileWriter } from './s3-event-file-writer.js';
import { ScalarEventEncoder } from './scalar-event.js';
import { joinPath } from './storage/gfile.js';
import { isS3Url } from './storage/s3-url.js';
import { audioValue, DEFAULT_SAMPLE_RATE } from './summary/audio.js';
import { drawBoxes } from './summary/boxes.js';
import { type CustomScalarLayout, customScalarsValue } from './summary/custom-scalars.js';
import { type EmbeddingInfo, projectorConfigText, writeEmbedding } from './summary/embedding.js';
import { type FigureInput, figureImage } from './summary/figure.js';
import { type GraphModel, toGraphDef, traceGraph } from './summary/graph.js';
import { type HistogramBins, makeHistogram } from './summary/histogram.js';
import { type HParamValue, hparamsValues } from './summary/hparams.js';
import { imageProto, toHWC } from './summary/image.js';
import { meshValues } from './summary/mesh.js';
import { computeCurve, MAX_PR_THRESHOLDS, prCurveValue } from './summary/pr-curve.js';
import { textValue } from './summary/text.js';
import { DEFAULT_FPS, videoFrames, videoImage } from './summary/video.js';
import {
  needsAsyncRead,
  readScalar,
  readValues,
  readValuesAsync,
  scalarOf,
  type TensorInput,
  type Values,
} from './tensor-like.js';
import {
  ARGS,
  type AudioOptions,
  type CustomChartOptions,
  type EmbeddingOptions,
  type GraphOptions,
  type HistogramOptions,
  type HistogramRawData,
  type HparamsOptions,
  type ImageOptions,
  type ImageWithBoxesOptions,
  type MeshOptions,
  type PrCurveOptions,
  type PrCurveRawData,
  type ScalarOptions,
  type StepOptions,
  type VideoOptions,
} from './writer-options.js';

/** An options object that follows a positional globalStep. */
type AfterStep<T> = Omit<T, 'globalStep' | 'step'>;

export interface SummaryWriterOptions {
  /** Appended to the default log dir (`runs/<date>_<host><comment>`); ignored when a log dir is given. */
  comment?: string;
  /**
   * After a crash at step T+X, restart with purgeStep T: TensorBoard hides the events of step >= T written
   * before the restart (a SessionLog START event at step T).
   */
  purgeStep?: number;
  /** Events queued before a write starts. Default 10. */
  maxQueue?: number;
  /** Longest time in seconds an event waits in memory. Default 120. */
  flushSecs?: number;
  /** Suffix of the event file names. */
  filenameSuffix?: string;
}

const sharedScalarEncoder = new ScalarEventEncoder();

/**
 * PyTorch's `torch.utils.tensorboard.SummaryWriter`, method for method in camelCase. Each add* call encodes one
 * event into an in-memory queue and returns; see EventFileWriter for when it reaches the disk.
 *
 * Inputs are numbers, (nested) arrays, typed arrays, `{ data, shape }` or tensors (`dataSync()`). An input that
 * only has an async `data()` is read in the background: its event is queued when the data arrives, with the wall
 * time of the call, and close() waits for it.
 */
export class SummaryWriter implements AsyncDisposable {
  readonly logDir: string;
  readonly #options: SummaryWriterOptions;
  #fileWriter: EventRecordWriter | null = null;
  readonly #childWriters = new Map<string, EventRecordWriter>();
  readonly #pending = new Set<Promise<void>>();
  #asyncError: unknown;
  #purgeStep: number | undefined;
  #maxStep = 0;
  #embeddings: EmbeddingInfo[] = [];
  #closed = false;
  #eventFile = '';

  constructor(logDir?: string, options: SummaryWriterOptions = {}) {
    this.logDir = logDir || defaultLogDir(options.comment ?? '');
    this.#options = options;
    this.#purgeStep = options.purgeStep;
    this.#writer();
  }

  /** The directory the event files go to (PyTorch's get_logdir()). */
  getLogdir(): string {
    return this.logDir;
  }

  /** The event file this writer appends to. */
  get eventFile(): string {
    return this.#eventFile;
  }

  #writer(): EventRecordWriter {
    if (this.#closed) throw new Error(`SummaryWriter for ${this.logDir} is closed`);
    if (!this.#fileWriter) {
      const w = openEventWriter(this.logDir, this.#options);
      this.#fileWriter = w;
      this.#eventFile = w.path;
      if (this.#purgeStep !== undefined) {
        const step = this.#purgeStep;
        w.writeEvent(encodeMessage(pb.Event, { wallTime: now(), step, fileVersion: 'brain.Event:2' }));
        // TensorBoard's current loader ignores the first START of a run (it marks a session's beginning) and purges
        // on later ones; the legacy loader purges on every START. Two STARTs purge under both.
        for (let i = 0; i < 2; i++) {
          w.writeEvent(encodeMessage(pb.Event, { wallTime: now(), step, sessionLog: { status: SessionStatus.START } }));
        }
        this.#purgeStep = undefined;
      }
    }
    return this.#fileWriter;
  }

  #childWriter(dir: string): EventRecordWriter {
    let w = this.#childWriters.get(dir);
    if (!w) {
      w = openEventWriter(dir, this.#options);
      this.#childWriters.set(dir, w);
    }
    return w;
  }

  #step(globalStep: number | undefined, what: string): number {
    if (globalStep === undefined || globalStep === null) return 0;
    const s = Math.trunc(globalStep);
    if (!Number.isFinite(s)) throw new RangeError(`${what}: globalStep must be a finite number, got ${globalStep}`);
    if (s > this.#maxStep) this.#maxStep = s;
    return s;
  }

  /** Queues an event holding one Summary with the given values. */
  #addSummary(values: SummaryValueProto[], step: number, walltime: number, writer = this.#writer()): void {
    const event: EventProto = { wallTime: walltime, summary: { value: values } };
    if (step !== 0) event.step = step;
    writer.writeEvent(encodeMessage(pb.Event, event));
  }

  /** Reads the inputs (synchronously when possible) and runs `then`; errors of the async path surface in close(). */
  #withValues(inputs: (TensorInput | undefined)[], what: string, then: (values: (Values | undefined)[]) => void): void {
    if (!inputs.some((x) => x !== undefined && needsAsyncRead(x))) {
      then(inputs.map((x) => (x === undefined ? undefined : readValues(x, what))));
      return;
    }
    const p = Promise.all(inputs.map((x) => (x === undefined ? undefined : readValuesAsync(x, what))))
      .then((vals) => {
        if (!this.#closed) then(vals);
      })
      .catch((err) => {
        this.#asyncError ??= err;
      });
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  /**
   * Logs one scalar: Summary.Value.simple_value (float32), the way PyTorch's add_scalar does by default, or with
   * newStyle a tensor with the `scalars` plugin (float64 with doublePrecision). displayName and
   * summaryDescription (tensorboardX's) go into the value's SummaryMetadata: TensorBoard titles the chart with the
   * display name and shows the description behind its info icon.
   */
  addScalar(tag: string, scalarValue: TensorInput, options?: ScalarOptions): void;
  addScalar(
    tag: string,
    scalarValue: TensorInput,
    globalStep: number | undefined,
    options: AfterStep<ScalarOptions>,
  ): void;
  addScalar(
    tag: string,
    scalarValue: TensorInput,
    globalStep?: number,
    walltime?: number,
    newStyle?: boolean,
    doublePrecision?: boolean,
  ): void;
  addScalar(tag: string, scalarValue: TensorInput, ...rest: unknown[]): void {
    const what = `addScalar('${tag}')`;
    // A training loop's addScalar(tag, number, step[, walltime]) is the hot path (millions a second): it skips
    // building an options object.
    if (
      typeof scalarValue === 'number' &&
      rest.length <= 2 &&
      typeof rest[0] !== 'object' &&
      typeof rest[1] !== 'object'
    ) {
      const wallTime = (rest[1] as number | undefined) ?? now();
      this.#queueScalar(this.#writer(), tag, scalarValue, this.#step(rest[0] as number | undefined, what), wallTime);
      return;
    }
    const o = callArgs<ScalarOptions>(what, ARGS.scalar, rest);
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    const described = Boolean(o.displayName || o.summaryDescription);
    if (typeof scalarValue === 'number' && !o.newStyle && !described) {
      this.#queueScalar(this.#writer(), tag, scalarValue, step, wallTime);
      return;
    }
    this.#withValues([scalarValue], what, ([v]) => {
      const value = scalarOf(v!, what);
      if (!o.newStyle && !described) return this.#queueScalar(this.#writer(), tag, value, step, wallTime);
      const metadata: SummaryMetadataProto = {};
      if (o.newStyle) metadata.pluginData = { pluginName: 'scalars' };
      if (o.displayName) metadata.displayName = String(o.displayName);
      if (o.summaryDescription) metadata.summaryDescription = String(o.summaryDescription);
      if (!o.newStyle) return this.#addSummary([{ tag, simpleValue: value, metadata }], step, wallTime);
      const tensor = o.doublePrecision ? { dtype: 2, doubleVal: [value] } : { dtype: 1, floatVal: [value] };
      this.#addSummary([{ tag, tensor, metadata }], step, wallTime);
    });
  }

  #queueScalar(w: EventRecordWriter, tag: string, value: number, step: number, wallTime: number): void {
    const enc = sharedScalarEncoder;
    const field = enc.tagField(tag);
    const at = w.beginRecord(enc.maxBytes(field));
    w.endRecord(enc.encode(w.buffer, w.view, at, wallTime, step, value, field));
  }

  /**
   * Logs several scalars under one chart: each key goes to its own run directory `<logdir>/<mainTag>_<key>`
   * (slashes in mainTag become '_'), all with the tag `mainTag`, so TensorBoard draws them as one chart with one
   * line per key, PyTorch's layout.
   */
  addScalars(mainTag: string, tagScalarDict: Record<string, TensorInput>, options?: StepOptions): void;
  addScalars(
    mainTag: string,
    tagScalarDict: Record<string, TensorInput>,
    globalStep: number | undefined,
    options: AfterStep<StepOptions>,
  ): void;
  addScalars(mainTag: string, tagScalarDict: Record<string, TensorInput>, globalStep?: number, walltime?: number): void;
  addScalars(mainTag: string, tagScalarDict: Record<string, TensorInput>, ...rest: unknown[]): void {
    const what = `addScalars('${mainTag}')`;
    const o = callArgs<StepOptions>(what, ARGS.scalars, rest);
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    const entries = Object.entries(tagScalarDict);
    this.#withValues(
      entries.map(([, v]) => v),
      what,
      (vals) => {
        entries.forEach(([key], i) => {
          const dir = joinPath(this.logDir, `${mainTag.replaceAll('/', '_')}_${key}`);
          const value = scalarOf(vals[i]!, `addScalars('${mainTag}', '${key}')`);
          this.#queueScalar(this.#childWriter(dir), mainTag, value, step, wallTime);
        });
      },
    );
  }

  /**
   * Logs a histogram of `values`. bins: 'tensorflow' (default; PyTorch's exponential default_bins), a number of
   * equal-width bins over [min, max], or explicit bin edges; maxBins merges neighbouring bins down to at most that.
   */
  addHistogram(tag: string, values: TensorInput, options?: HistogramOptions): void;
  addHistogram(
    tag: string,
    values: TensorInput,
    globalStep: number | undefined,
    options: AfterStep<HistogramOptions>,
  ): void;
  addHistogram(
    tag: string,
    values: TensorInput,
    globalStep?: number,
    bins?: HistogramBins,
    walltime?: number,
    maxBins?: number,
  ): void;
  addHistogram(tag: string, values: TensorInput, ...rest: unknown[]): void {
    const what = `addHistogram('${tag}')`;
    const o = callArgs<HistogramOptions>(what, ARGS.histogram, rest);
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    this.#withValues([values], what, ([v]) => {
      const histo = makeHistogram(v!.data, o.bins ?? 'tensorflow', o.maxBins, what);
      this.#addSummary([{ tag, histo }], step, wallTime);
    });
  }

  /**
   * Logs a histogram from precomputed statistics; bucketLimits are the right edges of the buckets. The statistics
   * can also come as one object: `addHistogramRaw(tag, { min, max, num, sum, sumSquares, bucketLimits,
   * bucketCounts, globalStep })`.
   */
  addHistogramRaw(tag: string, data: HistogramRawData): void;
  addHistogramRaw(
    tag: string,
    min: number,
    max: number,
    num: number,
    sum: number,
    sumSquares: number,
    bucketLimits: ArrayLike<number>,
    bucketCounts: ArrayLike<number>,
    options?: StepOptions,
  ): void;
  addHistogramRaw(
    tag: string,
    min: number,
    max: number,
    num: number,
    sum: number,
    sumSquares: number,
    bucketLimits: ArrayLike<number>,
    bucketCounts: ArrayLike<number>,
    globalStep?: number,
    walltime?: number,
  ): void;
  addHistogramRaw(tag: string, ...rest: unknown[]): void {
    const what = `addHistogramRaw('${tag}')`;
    const o = callArgs<HistogramRawData>(what, ARGS.histogramRaw, rest);
    if (o.bucketLimits.length !== o.bucketCounts.length) {
      throw new RangeError(
        `${what}: ${o.bucketLimits.length} bucket limits but ${o.bucketCounts.length} bucket counts; they must match`,
      );
    }
    const histo = {
      min: o.min,
      max: o.max,
      num: o.num,
      sum: o.sum,
      sumSquares: o.sumSquares,
      bucketLimit: Array.from(o.bucketLimits),
      bucket: Array.from(o.bucketCounts),
    };
    this.#addSummary([{ tag, histo }], this.#step(o.globalStep, what), o.walltime ?? now());
  }

  /** Logs one image, CHW by default (also HWC, HW, …); floats in [0, 1] or uint8 in [0, 255]; stored as PNG. */
  addImage(tag: string, imgTensor: TensorInput, options?: ImageOptions): void;
  addImage(tag: string, imgTensor: TensorInput, globalStep: number | undefined, options: AfterStep<ImageOptions>): void;
  addImage(tag: string, imgTensor: TensorInput, globalStep?: number, walltime?: number, dataformats?: string): void;
  addImage(tag: string, imgTensor: TensorInput, ...rest: unknown[]): void {
    this.#image(tag, imgTensor, rest, 'CHW', 'addImage');
  }

  /** Logs a batch of images, NCHW by default (or NHWC), tiled 8 per row into one image as PyTorch does. */
  addImages(tag: string, imgTensor: TensorInput, options?: ImageOptions): void;
  addImages(
    tag: string,
    imgTensor: TensorInput,
    globalStep: number | undefined,
    options: AfterStep<ImageOptions>,
  ): void;
  addImages(tag: string, imgTensor: TensorInput, globalStep?: number, walltime?: number, dataformats?: string): void;
  addImages(tag: string, imgTensor: TensorInput, ...rest: unknown[]): void {
    this.#image(tag, imgTensor, rest, 'NCHW', 'addImages');
  }

  #image(tag: string, img: TensorInput, rest: unknown[], defaultFormat: string, fn: string): void {
    const what = `${fn}('${tag}')`;
    const o = callArgs<ImageOptions>(what, ARGS.image, rest);
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    this.#withValues([img], what, ([v]) => {
      this.#addSummary([{ tag, image: imageProto(toHWC(v!, o.dataformats ?? defaultFormat, what)) }], step, wallTime);
    });
  }

  /**
   * Logs an image with bounding boxes drawn into it (tensorboardX's and PyTorch's add_image_with_boxes): boxes are
   * [N, 4] rows of (xmin, ymin, xmax, ymax) in pixels, drawn as PIL draws them there (red, 2 px); each label is
   * written in its box's lower left corner, black on red. The image is CHW by default, as addImage.
   */
  addImageWithBoxes(tag: string, imgTensor: TensorInput, boxTensor: TensorInput, options?: ImageWithBoxesOptions): void;
  addImageWithBoxes(
    tag: string,
    imgTensor: TensorInput,
    boxTensor: TensorInput,
    globalStep: number | undefined,
    options: AfterStep<ImageWithBoxesOptions>,
  ): void;
  addImageWithBoxes(
    tag: string,
    imgTensor: TensorInput,
    boxTensor: TensorInput,
    globalStep?: number,
    walltime?: number,
    rescale?: number,
    dataformats?: string,
    labels?: readonly string[] | string,
  ): void;
  addImageWithBoxes(tag: string, imgTensor: TensorInput, boxTensor: TensorInput, ...rest: unknown[]): void {
    const what = `addImageWithBoxes('${tag}')`;
    const o = callArgs<ImageWithBoxesOptions>(what, ARGS.imageWithBoxes, rest);
    if (o.rescale !== undefined && o.rescale !== 1) {
      throw new RangeError(`${what}: rescale ${o.rescale} is not supported; only 1 (the image as it is)`);
    }
    const labels = typeof o.labels === 'string' ? [o.labels] : o.labels;
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    this.#withValues([imgTensor, boxTensor], what, ([img, boxes]) => {
      const hwc = toHWC(img!, o.dataformats ?? 'CHW', what);
      drawBoxes(hwc, boxes!, labels, what);
      this.#addSummary([{ tag, image: imageProto(hwc) }], step, wallTime);
    });
  }

  /**
   * Logs a rendered figure (PyTorch's add_figure): PNG bytes, or an object whose toPNG() returns them (a
   * @trainkit/viz Figure). The PNG is stored as it is, its size read from its IHDR chunk; an input that is not a
   * PNG throws, naming the tag. PyTorch's `close` argument (closing a matplotlib figure) has no counterpart here.
   */
  addFigure(tag: string, figure: FigureInput, options?: StepOptions): void;
  addFigure(tag: string, figure: FigureInput, globalStep: number | undefined, options: AfterStep<StepOptions>): void;
  addFigure(tag: string, figure: FigureInput, globalStep?: number, walltime?: number): void;
  addFigure(tag: string, figure: FigureInput, ...rest: unknown[]): void {
    const what = `addFigure('${tag}')`;
    const o = callArgs<StepOptions>(what, ARGS.figure, rest);
    const wallTime = o.walltime ?? now();
    const image = figureImage(figure, what);
    this.#addSummary([{ tag, image }], this.#step(o.globalStep, what), wallTime);
  }

  /**
   * Logs a video as an animated GIF in the Images tab, as tensorboardX does: `vidTensor` is [N, T, C, H, W] (or
   * another order given as dataformats) with C 1 or 3, floats in [0, 1] or uint8; the N videos are tiled into one
   * (padded with black ones to a power of two), shown at `fps` frames per second (default 4), looping.
   */
  addVideo(tag: string, vidTensor: TensorInput, options?: VideoOptions): void;
  addVideo(tag: string, vidTensor: TensorInput, globalStep: number | undefined, options: AfterStep<VideoOptions>): void;
  addVideo(
    tag: string,
    vidTensor: TensorInput,
    globalStep?: number,
    fps?: number,
    walltime?: number,
    dataformats?: string,
  ): void;
  addVideo(tag: string, vidTensor: TensorInput, ...rest: unknown[]): void {
    const what = `addVideo('${tag}')`;
    const o = callArgs<VideoOptions>(what, ARGS.video, rest);
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    const fps = o.fps ?? DEFAULT_FPS;
    this.#withValues([vidTensor], what, ([v]) => {
      const image = videoImage(videoFrames(v!, o.dataformats ?? 'NTCHW', what), fps, what);
      this.#addSummary([{ tag, image, metadata: { pluginData: { pluginName: 'images' } } }], step, wallTime);
    });
  }

  /**
   * Logs audio for the Audio tab as tensorboardX does: `sndTensor` is [frames] or [frames, channels] (1 or 2
   * channels) in [-1, 1], clipped to it, stored as a 16-bit PCM WAV at sampleRate Hz (default 44100).
   */
  addAudio(tag: string, sndTensor: TensorInput, options?: AudioOptions): void;
  addAudio(tag: string, sndTensor: TensorInput, globalStep: number | undefined, options: AfterStep<AudioOptions>): void;
  addAudio(tag: string, sndTensor: TensorInput, globalStep?: number, sampleRate?: number, walltime?: number): void;
  addAudio(tag: string, sndTensor: TensorInput, ...rest: unknown[]): void {
    const what = `addAudio('${tag}')`;
    const o = callArgs<AudioOptions>(what, ARGS.audio, rest);
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    const sampleRate = o.sampleRate ?? DEFAULT_SAMPLE_RATE;
    this.#withValues([sndTensor], what, ([v]) => {
      this.#addSummary([audioValue(tag, v!, sampleRate, what)], step, wallTime);
    });
  }

  /** Logs text, rendered as markdown by the Text tab. */
  addText(tag: string, textString: string, options?: StepOptions): void;
  addText(tag: string, textString: string, globalStep: number | undefined, options: AfterStep<StepOptions>): void;
  addText(tag: string, textString: string, globalStep?: number, walltime?: number): void;
  addText(tag: string, textString: string, ...rest: unknown[]): void {
    const what = `addText('${tag}')`;
    const o = callArgs<StepOptions>(what, ARGS.text, rest);
    this.#addSummary([textValue(tag, textString)], this.#step(o.globalStep, what), o.walltime ?? now());
  }

  /**
   * Logs the model graph for the Graphs tab. `model` is a GraphSource (toGraph), a module tree with forward hooks
   * (@trainkit/core's Module: traced by running forward once on `inputToModel`), a tfjs LayersModel, or
   * `{ nodes }`. verbose prints the node list.
   */
  addGraph(model: GraphModel, inputToModel?: unknown, verboseOrOptions?: boolean | GraphOptions): void;
  addGraph(model: GraphModel, ...rest: unknown[]): void {
    const o = callArgs<GraphOptions & { inputToModel?: unknown }>('addGraph', ARGS.graph, rest);
    const input = o.inputToModel;
    const inputs = input === undefined ? [] : Array.isArray(input) && !isNumberArray(input) ? input : [input];
    const trace = traceGraph(model, inputs);
    if (o.verbose) {
      for (const n of trace.nodes) console.log(`${n.name} (${n.op}) <- [${(n.inputs ?? []).join(', ')}]`);
    }
    const graphDef = encodeMessage(pb.GraphDef, toGraphDef(trace));
    this.#writer().writeEvent(encodeMessage(pb.Event, { wallTime: now(), graphDef }));
  }

  /**
   * Logs hyperparameters and metrics for the HParams tab. Unlike PyTorch, which writes them into a new run
   * `<logdir>/<timestamp>`, they go into this writer's own run by default, so the tab lists the run whose curves
   * you logged; give runName to get a child run `<logdir>/<runName>` instead. As PyTorch does in its run, the
   * hparams summaries and the metric values are written at globalStep, by default the highest step this writer
   * has logged (the run's last step). A metric whose value is a number is logged as a scalar there; a null value
   * only declares the metric, and the tab shows the last value of that scalar tag (e.g. a curve you logged with
   * addScalar).
   */
  addHparams(
    hparamDict: Record<string, HParamValue | null | undefined>,
    metricDict: Record<string, TensorInput | null>,
    options?: HparamsOptions,
  ): void;
  addHparams(
    hparamDict: Record<string, HParamValue | null | undefined>,
    metricDict: Record<string, TensorInput | null>,
    hparamDomainDiscrete?: Record<string, HParamValue[]>,
    runName?: string,
    globalStep?: number,
  ): void;
  addHparams(
    hparamDict: Record<string, HParamValue | null | undefined>,
    metricDict: Record<string, TensorInput | null>,
    ...rest: unknown[]
  ): void {
    if (
      typeof hparamDict !== 'object' ||
      hparamDict === null ||
      typeof metricDict !== 'object' ||
      metricDict === null
    ) {
      throw new TypeError('addHparams: hparamDict and metricDict should be objects');
    }
    const o = callArgs<HparamsOptions>('addHparams', ARGS.hparams, rest);
    const values = hparamsValues(hparamDict, Object.keys(metricDict), o.hparamDomainDiscrete);
    const w = o.runName ? this.#childWriter(joinPath(this.logDir, o.runName)) : this.#writer();
    const wallTime = now();
    const step = o.globalStep === undefined ? this.#maxStep : this.#step(o.globalStep, 'addHparams');
    for (const v of values) this.#addSummary([v], step, wallTime, w);
    for (const [tag, v] of Object.entries(metricDict)) {
      if (v === null || v === undefined) continue;
      this.#queueScalar(w, tag, readScalar(v, `addHparams metric '${tag}'`), step, wallTime);
    }
  }

  /**
   * Logs a precision-recall curve from binary labels and predicted probabilities in [0, 1]; numThresholds is
   * capped at 127 as in PyTorch.
   */
  addPrCurve(tag: string, labels: TensorInput, predictions: TensorInput, options?: PrCurveOptions): void;
  addPrCurve(
    tag: string,
    labels: TensorInput,
    predictions: TensorInput,
    globalStep: number | undefined,
    options: AfterStep<PrCurveOptions>,
  ): void;
  addPrCurve(
    tag: string,
    labels: TensorInput,
    predictions: TensorInput,
    globalStep?: number,
    numThresholds?: number,
    weights?: TensorInput,
    walltime?: number,
  ): void;
  addPrCurve(tag: string, labels: TensorInput, predictions: TensorInput, ...rest: unknown[]): void {
    const what = `addPrCurve('${tag}')`;
    const o = callArgs<PrCurveOptions>(what, ARGS.prCurve, rest);
    const numThresholds = o.numThresholds ?? MAX_PR_THRESHOLDS;
    const n = Math.min(numThresholds, MAX_PR_THRESHOLDS);
    if (!Number.isInteger(n) || n < 2)
      throw new RangeError(`${what}: numThresholds must be an integer >= 2, got ${numThresholds}`);
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    this.#withValues([labels, predictions, o.weights], what, ([l, p, w]) => {
      const rows = computeCurve(l!.data, p!.data, n, w?.data);
      this.#addSummary([prCurveValue(tag, rows, n)], step, wallTime);
    });
  }

  /**
   * Logs a precision-recall curve from precomputed counts (each of length numThresholds). The counts can also come
   * as one object: `addPrCurveRaw(tag, { truePositiveCounts, …, recall, globalStep, numThresholds })`.
   */
  addPrCurveRaw(tag: string, data: PrCurveRawData): void;
  addPrCurveRaw(
    tag: string,
    truePositiveCounts: ArrayLike<number>,
    falsePositiveCounts: ArrayLike<number>,
    trueNegativeCounts: ArrayLike<number>,
    falseNegativeCounts: ArrayLike<number>,
    precision: ArrayLike<number>,
    recall: ArrayLike<number>,
    options?: Pick<PrCurveRawData, 'globalStep' | 'step' | 'numThresholds' | 'walltime'>,
  ): void;
  addPrCurveRaw(
    tag: string,
    truePositiveCounts: ArrayLike<number>,
    falsePositiveCounts: ArrayLike<number>,
    trueNegativeCounts: ArrayLike<number>,
    falseNegativeCounts: ArrayLike<number>,
    precision: ArrayLike<number>,
    recall: ArrayLike<number>,
    globalStep?: number,
    numThresholds?: number,
    walltime?: number,
  ): void;
  addPrCurveRaw(tag: string, ...rest: unknown[]): void {
    const what = `addPrCurveRaw('${tag}')`;
    const o = callArgs<PrCurveRawData>(what, ARGS.prCurveRaw, rest);
    const rows = [
      o.truePositiveCounts,
      o.falsePositiveCounts,
      o.trueNegativeCounts,
      o.falseNegativeCounts,
      o.precision,
      o.recall,
    ];
    const n = Math.min(o.numThresholds ?? MAX_PR_THRESHOLDS, MAX_PR_THRESHOLDS, o.truePositiveCounts.length);
    const cut = rows.map((r) => Array.from(r).slice(0, n));
    this.#addSummary([prCurveValue(tag, cut, n)], this.#step(o.globalStep, what), o.walltime ?? now());
  }

  /**
   * Defines the Custom Scalars tab: `{ category: { title: ['Multiline', [tagRegex, …]] | ['Margin', [value, lower,
   * upper]] } }`. Call once per writer.
   */
  addCustomScalars(layout: CustomScalarLayout): void {
    this.#addSummary([customScalarsValue(layout)], 0, now());
  }

  addCustomScalarsMultilinechart(tags: string[], options?: CustomChartOptions): void;
  addCustomScalarsMultilinechart(tags: string[], category?: string, title?: string): void;
  addCustomScalarsMultilinechart(tags: string[], ...rest: unknown[]): void {
    const o = callArgs<CustomChartOptions>('addCustomScalarsMultilinechart', ARGS.customChart, rest);
    this.addCustomScalars({ [o.category ?? 'default']: { [o.title ?? 'untitled']: ['Multiline', tags] } });
  }

  addCustomScalarsMarginchart(tags: [string, string, string], options?: CustomChartOptions): void;
  addCustomScalarsMarginchart(tags: [string, string, string], category?: string, title?: string): void;
  addCustomScalarsMarginchart(tags: [string, string, string], ...rest: unknown[]): void {
    const o = callArgs<CustomChartOptions>('addCustomScalarsMarginchart', ARGS.customChart, rest);
    this.addCustomScalars({ [o.category ?? 'default']: { [o.title ?? 'untitled']: ['Margin', tags] } });
  }

  /**
   * Writes an embedding for the Projector tab: `mat` is [points, features]; `metadata` one label per point (or
   * rows of columns with metadataHeader); `labelImg` [points, C, H, W] images. Files go to
   * `<logdir>/<step>/<tag>/`, and projector_config.pbtxt lists every embedding this writer wrote.
   */
  addEmbedding(mat: TensorInput, options?: EmbeddingOptions): void;
  addEmbedding(
    mat: TensorInput,
    metadata?: unknown[],
    labelImg?: TensorInput,
    globalStep?: number,
    tag?: string,
    metadataHeader?: string[],
  ): void;
  addEmbedding(mat: TensorInput, ...rest: unknown[]): void {
    const o = callArgs<EmbeddingOptions>('addEmbedding', ARGS.embedding, rest);
    const tag = o.tag ?? 'default';
    const what = `addEmbedding('${tag}')`;
    const step = this.#step(o.globalStep, what);
    if (isS3Url(this.logDir)) {
      throw new Error(`${what}: embeddings are written as local files (the Projector's TSVs); ${this.logDir} is on S3`);
    }
    this.#withValues([mat, o.labelImg], what, ([m, img]) => {
      const info = writeEmbedding(this.logDir, m!, {
        metadata: o.metadata,
        labelImg: img,
        globalStep: step,
        tag,
        metadataHeader: o.metadataHeader,
      });
      this.#embeddings.push(info);
      writeFileAtomic(joinPath(this.logDir, 'projector_config.pbtxt'), projectorConfigText(this.#embeddings));
    });
  }

  /**
   * Logs a 3-D mesh or point cloud for TensorBoard's Mesh tab (tensorboardX's add_mesh): vertices [B, N, 3], and
   * optionally colors [B, N, 3] in [0, 255], faces [B, F, 3] (vertex indices) and a three.js configDict (camera,
   * lights, material).
   */
  addMesh(tag: string, vertices: TensorInput, options?: MeshOptions): void;
  addMesh(
    tag: string,
    vertices: TensorInput,
    colors?: TensorInput | null,
    faces?: TensorInput | null,
    configDict?: Record<string, unknown> | null,
    globalStep?: number,
    walltime?: number,
  ): void;
  addMesh(tag: string, vertices: TensorInput, ...rest: unknown[]): void {
    const what = `addMesh('${tag}')`;
    const o = callArgs<MeshOptions>(
      what,
      ARGS.mesh,
      rest.map((x) => (x === null ? undefined : x)),
    );
    const wallTime = o.walltime ?? now();
    const step = this.#step(o.globalStep, what);
    this.#withValues([vertices, o.colors, o.faces], what, ([v, colors, faces]) => {
      this.#addSummary(meshValues(tag, { vertices: v!, colors, faces }, o.configDict, what), step, wallTime);
    });
  }

  /**
   * Writes everything queued to the OS now (synchronously), in this run and the addScalars child runs. On an s3://
   * log dir it starts the uploads and returns; await flushed() to know they are stored.
   */
  flush(): void {
    this.#fileWriter?.flush();
    for (const w of this.#childWriters.values()) w.flush();
  }

  /**
   * flush(), then waits until everything flushed is stored: at once for a local log dir, once uploaded for an
   * s3:// one. Rejects if an upload failed.
   */
  async flushed(): Promise<void> {
    await Promise.all([this.#fileWriter, ...this.#childWriters.values()].map((w) => w?.flushed()));
  }

  /**
   * Waits for inputs still being read asynchronously, then flushes and closes every event file. Calling add*
   * afterwards throws. Rejects if an asynchronously read input failed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#pending.size > 0) await Promise.all(this.#pending);
    this.#closed = true;
    const closing = [this.#fileWriter, ...this.#childWriters.values()].map((w) => w?.close());
    this.#fileWriter = null;
    this.#childWriters.clear();
    // every file is closed even when one fails to flush (a full disk); then the first failure is thrown
    const failed = (await Promise.allSettled(closing)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (this.#asyncError !== undefined) throw this.#asyncError;
  }

  /**
   * `await using writer = new SummaryWriter(dir)` closes the writer (flushing everything) when the block ends,
   * however it ends: tensorboardX's and PyTorch's `with SummaryWriter() as w`.
   */
  [asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The writer for a log dir: a local event file, or a series of objects under an s3:// prefix. */
function openEventWriter(logDir: string, options: SummaryWriterOptions): EventRecordWriter {
  return isS3Url(logDir) ? new S3EventFileWriter(logDir, options) : new EventFileWriter(logDir, options);
}

function now(): number {
  return Date.now() / 1000;
}

function isNumberArray(x: unknown[]): boolean {
  return x.length > 0 && (typeof x[0] === 'number' || Array.isArray(x[0]));
}
