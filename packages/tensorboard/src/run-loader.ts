import { readEvents } from './event-reader.js';
import { isEventFile, listDirectory, listRuns } from './logdir.js';
import {
  PROJECTOR_CONFIG,
  type ProjectorConfigIssue,
  type ProjectorEmbedding,
  readProjectorConfig,
} from './projector-config.js';
import {
  DataType,
  decodeMessage,
  type EventProto,
  type GraphDefProto,
  type HistogramProtoObject,
  type HParamsPluginDataProto,
  type LayoutProto,
  MeshContentType,
  type MeshPluginDataProto,
  type ProtoValue,
  pb,
  SessionStatus,
  type SummaryValueProto,
  type TensorProtoObject,
} from './proto.js';
import type { RecordIssue } from './record-reader.js';
import { joinPath } from './storage/gfile.js';

interface Stamped {
  step: number;
  wallTime: number;
}

export interface ScalarPoint extends Stamped {
  value: number;
}

export interface ImageEntry extends Stamped {
  width: number;
  height: number;
  colorspace: number;
  /** The encoded image: PNG for images (our writer's and PyTorch's), an animated GIF for videos (addVideo). */
  encoded: Uint8Array;
}

export interface AudioEntry extends Stamped {
  sampleRate: number;
  numChannels: number;
  lengthFrames: number;
  /** 'audio/wav' for our writer and tensorboardX's. */
  contentType: string;
  /** The encoded audio file. */
  encoded: Uint8Array;
}

/** One part of a mesh at one step: its values (float32 as written) and shape. */
export interface MeshTensor {
  shape: number[];
  data: number[];
}

export interface MeshEntry extends Stamped {
  vertices?: MeshTensor;
  faces?: MeshTensor;
  colors?: MeshTensor;
  /** The three.js configuration, parsed from the JSON the summary carries (null when none was given). */
  config: unknown;
}

/** SummaryMetadata of a tag that has a display name or a description (tensorboardX's addScalar options). */
export interface TagInfo {
  displayName: string;
  description: string;
}

export interface HistogramEntry extends Stamped {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edges of the buckets. */
  bucketLimit: number[];
  bucket: number[];
}

export interface TextEntry extends Stamped {
  text: string;
}

export interface PrCurveEntry extends Stamped {
  numThresholds: number;
  truePositives: number[];
  falsePositives: number[];
  trueNegatives: number[];
  falseNegatives: number[];
  precision: number[];
  recall: number[];
}

export interface TensorEntry extends Stamped {
  tensor: TensorProtoObject;
}

export interface HParamsEntry {
  /** This run's hyperparameter values (SessionStartInfo). */
  values: Record<string, number | string | boolean | null>;
  /** Declared hyperparameter and metric names (the Experiment), when the run holds one. */
  hparamNames: string[];
  metricTags: string[];
  /** SessionEndInfo status: 'success', 'failure', 'running' or 'unknown'. */
  status?: string;
  /** Step of the last hparams summary read (addHparams writes them at the run's last step, as PyTorch). */
  step: number;
}

/** Everything TensorBoard would show for one run, by tag. */
export interface RunData {
  /** Path relative to the logdir ('.' for the logdir itself), as TensorBoard names runs. */
  name: string;
  dir: string;
  files: string[];
  scalars: Record<string, ScalarPoint[]>;
  images: Record<string, ImageEntry[]>;
  histograms: Record<string, HistogramEntry[]>;
  texts: Record<string, TextEntry[]>;
  prCurves: Record<string, PrCurveEntry[]>;
  audio: Record<string, AudioEntry[]>;
  /** Meshes by the name given to addMesh (one entry per step, its parts gathered from `<name>_1`, `_2`, `_3`). */
  meshes: Record<string, MeshEntry[]>;
  /** Display names and descriptions, from the first event of each tag that has one (as TensorBoard takes them). */
  tagInfo: Record<string, TagInfo>;
  /** Tensor summaries of other plugins, with the plugin name. */
  tensors: Record<string, { plugin: string; entries: TensorEntry[] }>;
  graph?: GraphDefProto;
  hparams?: HParamsEntry;
  /** The Custom Scalars dashboard's layout (addCustomScalars), when the run holds one. */
  customScalarsLayout?: LayoutProto;
  /** The Projector's embeddings, from the run's projector_config.pbtxt (addEmbedding); empty when it has none. */
  embeddings: ProjectorEmbedding[];
  /**
   * Problems met while reading: a truncated final record, a CRC mismatch (data before each was kept), a
   * projector_config.pbtxt that does not parse.
   */
  issues: (RecordIssue | ProjectorConfigIssue)[];
  /** Events hidden by a SessionLog START (purgeStep). */
  purged: number;
}

const utf8 = new TextDecoder();

const STATUS_NAMES = ['unknown', 'success', 'failure', 'running'];

/**
 * Loads one run directory (its own event files, not subdirectories) like TensorBoard's EventAccumulator: files in
 * name order, events in file order (a local directory or an s3:// prefix); a SessionLog START at step s drops what came before with step >= s. Throws
 * LogdirError when `dir` is missing or not a directory.
 */
export async function loadRun(dir: string, name = dir): Promise<RunData> {
  const entries = await listDirectory(dir, 'run directory');
  const files = entries
    .filter((e) => !e.isDirectory && isEventFile(e.name))
    .map((e) => joinPath(dir, e.name))
    .sort();
  const run: RunData = {
    name,
    dir,
    files,
    scalars: {},
    images: {},
    histograms: {},
    texts: {},
    prCurves: {},
    audio: {},
    meshes: {},
    tagInfo: {},
    tensors: {},
    embeddings: [],
    issues: [],
    purged: 0,
  };
  const pluginOf = new Map<string, { name: string; content?: Uint8Array }>();
  for (const file of files) {
    const contents = await readEvents(file);
    if (contents.issue) run.issues.push(contents.issue);
    for (const ev of contents.events) addEvent(run, ev, pluginOf);
  }
  if (entries.some((e) => !e.isDirectory && e.name === PROJECTOR_CONFIG)) {
    const { embeddings, issue } = await readProjectorConfig(joinPath(dir, PROJECTOR_CONFIG));
    run.embeddings = embeddings;
    if (issue) run.issues.push(issue);
  }
  return run;
}

/**
 * Every run under a logdir (see listRuns: each directory holding event files or a projector_config.pbtxt), named
 * by its path relative to the logdir. Throws LogdirError when the logdir is missing or not a directory.
 */
export async function loadLogdir(logdir: string): Promise<RunData[]> {
  const runs: RunData[] = [];
  for (const { dir, name } of await listRuns(logdir)) runs.push(await loadRun(dir, name));
  return runs;
}

function addEvent(run: RunData, ev: EventProto, pluginOf: Map<string, { name: string; content?: Uint8Array }>): void {
  const step = ev.step ?? 0;
  const wallTime = ev.wallTime ?? 0;
  if (ev.sessionLog?.status === SessionStatus.START) {
    purge(run, step);
    return;
  }
  if (ev.graphDef) {
    run.graph = decodeMessage<GraphDefProto>(pb.GraphDef, ev.graphDef);
    return;
  }
  for (const v of ev.summary?.value ?? []) {
    const tag = v.tag ?? '';
    const pd = v.metadata?.pluginData;
    if (pd?.pluginName && !pluginOf.has(tag)) pluginOf.set(tag, { name: pd.pluginName, content: pd.content });
    const md = v.metadata;
    if ((md?.displayName || md?.summaryDescription) && !run.tagInfo[tag]) {
      run.tagInfo[tag] = { displayName: md.displayName ?? '', description: md.summaryDescription ?? '' };
    }
    addValue(run, tag, v, pluginOf.get(tag), { step, wallTime });
  }
}

function push<T>(map: Record<string, T[]>, tag: string, item: T): undefined {
  let list = map[tag];
  if (!list) {
    list = [];
    map[tag] = list;
  }
  list.push(item);
  return undefined;
}

function addValue(
  run: RunData,
  tag: string,
  v: SummaryValueProto,
  plugin: { name: string; content?: Uint8Array } | undefined,
  at: Stamped,
) {
  if (v.simpleValue !== undefined) return push(run.scalars, tag, { ...at, value: v.simpleValue });
  if (v.image) {
    const im = v.image;
    return push(run.images, tag, {
      ...at,
      width: im.width ?? 0,
      height: im.height ?? 0,
      colorspace: im.colorspace ?? 0,
      encoded: im.encodedImageString ?? new Uint8Array(),
    });
  }
  if (v.histo) return push(run.histograms, tag, histogramEntry(v.histo, at));
  if (v.audio) {
    const a = v.audio;
    return push(run.audio, tag, {
      ...at,
      sampleRate: a.sampleRate ?? 0,
      numChannels: a.numChannels ?? 0,
      lengthFrames: a.lengthFrames ?? 0,
      contentType: a.contentType ?? '',
      encoded: a.encodedAudioString ?? new Uint8Array(),
    });
  }
  const name = plugin?.name;
  if (name === 'hparams') return addHParams(run, v.metadata?.pluginData?.content ?? plugin?.content, at.step);
  const t = v.tensor;
  if (!t) return;
  if (name === 'scalars') return push(run.scalars, tag, { ...at, value: tensorValues(t)[0] ?? Number.NaN });
  if (name === 'text') {
    const strings = (t.stringVal ?? []).map((s) => utf8.decode(s));
    return push(run.texts, tag, { ...at, text: strings.join('\n') });
  }
  if (name === 'pr_curves') {
    const values = tensorValues(t);
    const n = values.length / 6;
    const row = (i: number) => values.slice(i * n, (i + 1) * n);
    return push(run.prCurves, tag, {
      ...at,
      numThresholds: n,
      truePositives: row(0),
      falsePositives: row(1),
      trueNegatives: row(2),
      falseNegatives: row(3),
      precision: row(4),
      recall: row(5),
    });
  }
  if (name === 'mesh') return addMesh(run, v.metadata?.pluginData?.content ?? plugin?.content, t, at);
  if (name === 'custom_scalars') {
    const bytes = t.stringVal?.[0];
    if (bytes) run.customScalarsLayout = decodeMessage<LayoutProto>(pb.Layout, bytes);
    return;
  }
  let slot = run.tensors[tag];
  if (!slot) {
    slot = { plugin: name ?? '', entries: [] };
    run.tensors[tag] = slot;
  }
  slot.entries.push({ ...at, tensor: t });
}

const MESH_PARTS: Record<number, 'vertices' | 'faces' | 'colors'> = {
  [MeshContentType.VERTEX]: 'vertices',
  [MeshContentType.FACE]: 'faces',
  [MeshContentType.COLOR]: 'colors',
};

/** Gathers the parts of one mesh written at one step (tensorboardX writes them in one event) into one entry. */
function addMesh(run: RunData, content: Uint8Array | undefined, t: TensorProtoObject, at: Stamped): undefined {
  if (!content) return;
  const data = decodeMessage<MeshPluginDataProto>(pb.MeshPluginData, content);
  const part = MESH_PARTS[data.contentType ?? 0];
  if (!part) return;
  const name = data.name ?? '';
  let list = run.meshes[name];
  if (!list) {
    list = [];
    run.meshes[name] = list;
  }
  let entry = list.at(-1);
  if (!entry || entry.step !== at.step || entry.wallTime !== at.wallTime || entry[part]) {
    let config: unknown = null;
    try {
      config = JSON.parse((data.jsonConfig || 'null').replace(/\bNaN\b|-?\bInfinity\b/g, 'null'));
    } catch {
      config = data.jsonConfig;
    }
    entry = { ...at, config };
    list.push(entry);
  }
  entry[part] = {
    shape: data.shape.length ? data.shape : (t.tensorShape?.dim ?? []).map((d) => d.size ?? 0),
    data: tensorValues(t),
  };
  return undefined;
}

function histogramEntry(h: HistogramProtoObject, at: Stamped): HistogramEntry {
  return {
    ...at,
    min: h.min ?? 0,
    max: h.max ?? 0,
    num: h.num ?? 0,
    sum: h.sum ?? 0,
    sumSquares: h.sumSquares ?? 0,
    bucketLimit: h.bucketLimit ?? [],
    bucket: h.bucket ?? [],
  };
}

/** The numbers of a numeric TensorProto, from its typed *_val fields or its raw little-endian tensor_content. */
export function tensorValues(t: TensorProtoObject): number[] {
  if (t.floatVal?.length) return t.floatVal;
  if (t.doubleVal?.length) return t.doubleVal;
  if (t.intVal?.length) return t.intVal;
  if (t.int64Val?.length) return t.int64Val.map(Number);
  if (t.boolVal?.length) return t.boolVal.map((b) => (b ? 1 : 0));
  const c = t.tensorContent;
  if (!c?.length) return [];
  const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
  const out: number[] = [];
  const read: Record<number, [number, (o: number) => number]> = {
    [DataType.DT_FLOAT]: [4, (o) => view.getFloat32(o, true)],
    [DataType.DT_DOUBLE]: [8, (o) => view.getFloat64(o, true)],
    [DataType.DT_INT32]: [4, (o) => view.getInt32(o, true)],
    [DataType.DT_INT64]: [8, (o) => Number(view.getBigInt64(o, true))],
    [DataType.DT_UINT8]: [1, (o) => view.getUint8(o)],
  };
  const r = read[t.dtype ?? 0];
  if (!r) return [];
  for (let o = 0; o + r[0] <= c.byteLength; o += r[0]) out.push(r[1](o));
  return out;
}

function plainValue(v: ProtoValue): number | string | boolean | null {
  if (v.numberValue !== undefined) return v.numberValue;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return null;
}

function addHParams(run: RunData, content: Uint8Array | undefined, step: number): undefined {
  if (!content) return;
  const data = decodeMessage<HParamsPluginDataProto>(pb.HParamsPluginData, content);
  run.hparams ??= { values: {}, hparamNames: [], metricTags: [], step };
  const h = run.hparams;
  h.step = step;
  if (data.experiment) {
    h.hparamNames = data.experiment.hparamInfos.map((i) => i.name ?? '');
    h.metricTags = data.experiment.metricInfos.map((m) => m.name?.tag ?? '');
  }
  if (data.sessionStartInfo) {
    for (const [k, v] of Object.entries(data.sessionStartInfo.hparams)) h.values[k] = plainValue(v);
  }
  if (data.sessionEndInfo) h.status = STATUS_NAMES[data.sessionEndInfo.status ?? 0] ?? 'unknown';
  return undefined;
}

function purge(run: RunData, step: number): void {
  const keep = <T extends Stamped>(map: Record<string, T[]>) => {
    for (const [tag, list] of Object.entries(map)) {
      const kept = list.filter((x) => x.step < step);
      run.purged += list.length - kept.length;
      map[tag] = kept;
    }
  };
  keep(run.scalars);
  keep(run.images);
  keep(run.histograms);
  keep(run.texts);
  keep(run.prCurves);
  keep(run.audio);
  keep(run.meshes);
  for (const slot of Object.values(run.tensors)) {
    const kept = slot.entries.filter((x) => x.step < step);
    run.purged += slot.entries.length - kept.length;
    slot.entries = kept;
  }
}
