import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { EventFileWriter } from './event-file-writer.js';
import { defaultLogDir } from './file-names.js';
import { type EventProto, encodeMessage, pb, SessionStatus, type SummaryValueProto } from './proto.js';
import { ScalarEventEncoder } from './scalar-event.js';
import { type CustomScalarLayout, customScalarsValue } from './summary/custom-scalars.js';
import { type EmbeddingInfo, projectorConfigText, writeEmbedding } from './summary/embedding.js';
import { type FigureInput, figureImage } from './summary/figure.js';
import { type GraphModel, toGraphDef, traceGraph } from './summary/graph.js';
import { type HistogramBins, makeHistogram } from './summary/histogram.js';
import { type HParamValue, hparamsValues } from './summary/hparams.js';
import { imageProto, toHWC } from './summary/image.js';
import { computeCurve, MAX_PR_THRESHOLDS, prCurveValue } from './summary/pr-curve.js';
import { textValue } from './summary/text.js';
import {
  needsAsyncRead,
  readScalar,
  readValues,
  readValuesAsync,
  scalarOf,
  type TensorInput,
  type Values,
} from './tensor-like.js';

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
export class SummaryWriter {
  readonly logDir: string;
  readonly #options: SummaryWriterOptions;
  #fileWriter: EventFileWriter | null = null;
  readonly #childWriters = new Map<string, EventFileWriter>();
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

  #writer(): EventFileWriter {
    if (this.#closed) throw new Error(`SummaryWriter for ${this.logDir} is closed`);
    if (!this.#fileWriter) {
      const w = new EventFileWriter(this.logDir, this.#options);
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

  #childWriter(dir: string): EventFileWriter {
    let w = this.#childWriters.get(dir);
    if (!w) {
      w = new EventFileWriter(dir, this.#options);
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

  /** Logs one scalar (Summary.Value.simple_value, float32), the way PyTorch's add_scalar does by default. */
  addScalar(
    tag: string,
    scalarValue: TensorInput,
    globalStep?: number,
    walltime?: number,
    newStyle = false,
    doublePrecision = false,
  ): void {
    const wallTime = walltime ?? now();
    const step = this.#step(globalStep, `addScalar('${tag}')`);
    if (typeof scalarValue === 'number' && !newStyle) {
      this.#queueScalar(this.#writer(), tag, scalarValue, step, wallTime);
      return;
    }
    this.#withValues([scalarValue], `addScalar('${tag}')`, ([v]) => {
      const value = scalarOf(v!, `addScalar('${tag}')`);
      if (!newStyle) return this.#queueScalar(this.#writer(), tag, value, step, wallTime);
      const tensor = doublePrecision ? { dtype: 2, doubleVal: [value] } : { dtype: 1, floatVal: [value] };
      this.#addSummary([{ tag, tensor, metadata: { pluginData: { pluginName: 'scalars' } } }], step, wallTime);
    });
  }

  #queueScalar(w: EventFileWriter, tag: string, value: number, step: number, wallTime: number): void {
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
  addScalars(
    mainTag: string,
    tagScalarDict: Record<string, TensorInput>,
    globalStep?: number,
    walltime?: number,
  ): void {
    const wallTime = walltime ?? now();
    const step = this.#step(globalStep, `addScalars('${mainTag}')`);
    const entries = Object.entries(tagScalarDict);
    this.#withValues(
      entries.map(([, v]) => v),
      `addScalars('${mainTag}')`,
      (vals) => {
        entries.forEach(([key], i) => {
          const dir = join(this.logDir, `${mainTag.replaceAll('/', '_')}_${key}`);
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
  addHistogram(
    tag: string,
    values: TensorInput,
    globalStep?: number,
    bins: HistogramBins = 'tensorflow',
    walltime?: number,
    maxBins?: number,
  ): void {
    const wallTime = walltime ?? now();
    const step = this.#step(globalStep, `addHistogram('${tag}')`);
    this.#withValues([values], `addHistogram('${tag}')`, ([v]) => {
      const histo = makeHistogram(v!.data, bins, maxBins, `addHistogram('${tag}')`);
      this.#addSummary([{ tag, histo }], step, wallTime);
    });
  }

  /** Logs a histogram from precomputed statistics; bucketLimits are the right edges of the buckets. */
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
  ): void {
    if (bucketLimits.length !== bucketCounts.length) {
      throw new RangeError(
        `addHistogramRaw('${tag}'): ${bucketLimits.length} bucket limits but ${bucketCounts.length} bucket counts; they must match`,
      );
    }
    const histo = {
      min,
      max,
      num,
      sum,
      sumSquares,
      bucketLimit: Array.from(bucketLimits),
      bucket: Array.from(bucketCounts),
    };
    this.#addSummary([{ tag, histo }], this.#step(globalStep, `addHistogramRaw('${tag}')`), walltime ?? now());
  }

  /** Logs one image, CHW by default (also HWC, HW, …); floats in [0, 1] or uint8 in [0, 255]; stored as PNG. */
  addImage(tag: string, imgTensor: TensorInput, globalStep?: number, walltime?: number, dataformats = 'CHW'): void {
    this.#image(tag, imgTensor, globalStep, walltime, dataformats, 'addImage');
  }

  /** Logs a batch of images, NCHW by default (or NHWC), tiled 8 per row into one image as PyTorch does. */
  addImages(tag: string, imgTensor: TensorInput, globalStep?: number, walltime?: number, dataformats = 'NCHW'): void {
    this.#image(tag, imgTensor, globalStep, walltime, dataformats, 'addImages');
  }

  /**
   * Logs a rendered figure (PyTorch's add_figure): PNG bytes, or an object whose toPNG() returns them (a
   * @trainkit/viz Figure). The PNG is stored as it is, its size read from its IHDR chunk; an input that is not a
   * PNG throws, naming the tag. PyTorch's `close` argument (closing a matplotlib figure) has no counterpart here.
   */
  addFigure(tag: string, figure: FigureInput, globalStep?: number, walltime?: number): void {
    const what = `addFigure('${tag}')`;
    const wallTime = walltime ?? now();
    const image = figureImage(figure, what);
    this.#addSummary([{ tag, image }], this.#step(globalStep, what), wallTime);
  }

  #image(
    tag: string,
    img: TensorInput,
    globalStep: number | undefined,
    walltime: number | undefined,
    fmt: string,
    fn: string,
  ): void {
    const what = `${fn}('${tag}')`;
    const wallTime = walltime ?? now();
    const step = this.#step(globalStep, what);
    this.#withValues([img], what, ([v]) => {
      this.#addSummary([{ tag, image: imageProto(toHWC(v!, fmt, what)) }], step, wallTime);
    });
  }

  /** Logs text, rendered as markdown by the Text tab. */
  addText(tag: string, textString: string, globalStep?: number, walltime?: number): void {
    this.#addSummary([textValue(tag, textString)], this.#step(globalStep, `addText('${tag}')`), walltime ?? now());
  }

  /**
   * Logs the model graph for the Graphs tab. `model` is a GraphSource (toGraph), a module tree with forward hooks
   * (@trainkit/core's Module: traced by running forward once on `inputToModel`), a tfjs LayersModel, or
   * `{ nodes }`. verbose prints the node list.
   */
  addGraph(model: GraphModel, inputToModel?: unknown, verbose = false): void {
    const inputs =
      inputToModel === undefined
        ? []
        : Array.isArray(inputToModel) && !isNumberArray(inputToModel)
          ? inputToModel
          : [inputToModel];
    const trace = traceGraph(model, inputs);
    if (verbose) {
      for (const n of trace.nodes) console.log(`${n.name} (${n.op}) <- [${(n.inputs ?? []).join(', ')}]`);
    }
    const graphDef = encodeMessage(pb.GraphDef, toGraphDef(trace));
    this.#writer().writeEvent(encodeMessage(pb.Event, { wallTime: now(), graphDef }));
  }

  /**
   * Logs hyperparameters and metrics for the HParams tab. Unlike PyTorch, which writes them into a new run
   * `<logdir>/<timestamp>`, they go into this writer's own run by default, so the tab lists the run whose curves
   * you logged; give runName to get a child run `<logdir>/<runName>` instead. Metric values that are numbers are
   * logged as scalars at globalStep (default: the highest step this writer has logged); a null value only declares
   * the metric, and the tab shows the last value of that scalar tag (e.g. a curve you logged with addScalar).
   */
  addHparams(
    hparamDict: Record<string, HParamValue | null | undefined>,
    metricDict: Record<string, TensorInput | null>,
    hparamDomainDiscrete?: Record<string, HParamValue[]>,
    runName?: string,
    globalStep?: number,
  ): void {
    if (
      typeof hparamDict !== 'object' ||
      hparamDict === null ||
      typeof metricDict !== 'object' ||
      metricDict === null
    ) {
      throw new TypeError('addHparams: hparamDict and metricDict should be objects');
    }
    const values = hparamsValues(hparamDict, Object.keys(metricDict), hparamDomainDiscrete);
    const w = runName ? this.#childWriter(join(this.logDir, runName)) : this.#writer();
    const wallTime = now();
    for (const v of values) this.#addSummary([v], 0, wallTime, w);
    const step = globalStep === undefined ? this.#maxStep : this.#step(globalStep, 'addHparams');
    for (const [tag, v] of Object.entries(metricDict)) {
      if (v === null || v === undefined) continue;
      this.#queueScalar(w, tag, readScalar(v, `addHparams metric '${tag}'`), step, wallTime);
    }
  }

  /**
   * Logs a precision-recall curve from binary labels and predicted probabilities in [0, 1]; numThresholds is
   * capped at 127 as in PyTorch.
   */
  addPrCurve(
    tag: string,
    labels: TensorInput,
    predictions: TensorInput,
    globalStep?: number,
    numThresholds = 127,
    weights?: TensorInput,
    walltime?: number,
  ): void {
    const n = Math.min(numThresholds, MAX_PR_THRESHOLDS);
    if (!Number.isInteger(n) || n < 2)
      throw new RangeError(`addPrCurve('${tag}'): numThresholds must be an integer >= 2, got ${numThresholds}`);
    const wallTime = walltime ?? now();
    const step = this.#step(globalStep, `addPrCurve('${tag}')`);
    this.#withValues([labels, predictions, weights], `addPrCurve('${tag}')`, ([l, p, w]) => {
      const rows = computeCurve(l!.data, p!.data, n, w?.data);
      this.#addSummary([prCurveValue(tag, rows, n)], step, wallTime);
    });
  }

  /** Logs a precision-recall curve from precomputed counts (each of length numThresholds). */
  addPrCurveRaw(
    tag: string,
    truePositiveCounts: ArrayLike<number>,
    falsePositiveCounts: ArrayLike<number>,
    trueNegativeCounts: ArrayLike<number>,
    falseNegativeCounts: ArrayLike<number>,
    precision: ArrayLike<number>,
    recall: ArrayLike<number>,
    globalStep?: number,
    numThresholds = 127,
    walltime?: number,
  ): void {
    const rows = [truePositiveCounts, falsePositiveCounts, trueNegativeCounts, falseNegativeCounts, precision, recall];
    const n = Math.min(numThresholds, MAX_PR_THRESHOLDS, truePositiveCounts.length);
    const cut = rows.map((r) => Array.from(r).slice(0, n));
    this.#addSummary([prCurveValue(tag, cut, n)], this.#step(globalStep, `addPrCurveRaw('${tag}')`), walltime ?? now());
  }

  /**
   * Defines the Custom Scalars tab: `{ category: { title: ['Multiline', [tagRegex, …]] | ['Margin', [value, lower,
   * upper]] } }`. Call once per writer.
   */
  addCustomScalars(layout: CustomScalarLayout): void {
    this.#addSummary([customScalarsValue(layout)], 0, now());
  }

  addCustomScalarsMultilinechart(tags: string[], category = 'default', title = 'untitled'): void {
    this.addCustomScalars({ [category]: { [title]: ['Multiline', tags] } });
  }

  addCustomScalarsMarginchart(tags: [string, string, string], category = 'default', title = 'untitled'): void {
    this.addCustomScalars({ [category]: { [title]: ['Margin', tags] } });
  }

  /**
   * Writes an embedding for the Projector tab: `mat` is [points, features]; `metadata` one label per point (or
   * rows of columns with metadataHeader); `labelImg` [points, C, H, W] images. Files go to
   * `<logdir>/<step>/<tag>/`, and projector_config.pbtxt lists every embedding this writer wrote.
   */
  addEmbedding(
    mat: TensorInput,
    metadata?: unknown[],
    labelImg?: TensorInput,
    globalStep?: number,
    tag = 'default',
    metadataHeader?: string[],
  ): void {
    const step = this.#step(globalStep, `addEmbedding('${tag}')`);
    this.#withValues([mat, labelImg], `addEmbedding('${tag}')`, ([m, img]) => {
      const info = writeEmbedding(this.logDir, m!, { metadata, labelImg: img, globalStep: step, tag, metadataHeader });
      this.#embeddings.push(info);
      writeFileAtomic(join(this.logDir, 'projector_config.pbtxt'), projectorConfigText(this.#embeddings));
    });
  }

  /** Writes everything queued to the OS now (synchronously), in this run and the addScalars child runs. */
  flush(): void {
    this.#fileWriter?.flush();
    for (const w of this.#childWriters.values()) w.flush();
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
    await Promise.all(closing);
    if (this.#asyncError !== undefined) throw this.#asyncError;
  }
}

function now(): number {
  return Date.now() / 1000;
}

function isNumberArray(x: unknown[]): boolean {
  return x.length > 0 && (typeof x[0] === 'number' || Array.isArray(x[0]));
}
