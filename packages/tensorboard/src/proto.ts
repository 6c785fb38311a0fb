import protobuf from 'protobufjs/light.js';
import schema from './generated/schema.json';

/**
 * The message types, from the JSON descriptor that scripts/gen-schema.mjs builds out of proto/*.proto.
 * protobufjs compiles an encoder and a decoder per type on first use (reflection with code generation), which
 * measured as fast as pbjs' static output on our messages, with no generated JS to keep in step; see README.
 */
const root = protobuf.Root.fromJSON(schema as protobuf.INamespace);

const type = (name: string): protobuf.Type => root.lookupType(name);

export const pb = {
  Event: type('tensorboard.Event'),
  Summary: type('tensorboard.Summary'),
  SummaryMetadata: type('tensorboard.SummaryMetadata'),
  HistogramProto: type('tensorboard.HistogramProto'),
  TensorProto: type('tensorboard.TensorProto'),
  GraphDef: type('tensorboard.GraphDef'),
  TextPluginData: type('tensorboard.TextPluginData'),
  PrCurvePluginData: type('tensorboard.PrCurvePluginData'),
  Layout: type('tensorboard.Layout'),
  ProjectorConfig: type('tensorboard.ProjectorConfig'),
  HParamsPluginData: type('tensorboard.hparams.HParamsPluginData'),
  MeshPluginData: type('tensorboard.mesh.MeshPluginData'),
} as const;

export function encodeMessage(t: protobuf.Type, message: object): Uint8Array {
  return t.encode(message as protobuf.Message).finish();
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: true, objects: true };

/** Decodes into plain objects: camelCase fields, int64 as number, repeated fields always arrays. */
export function decodeMessage<T>(t: protobuf.Type, bytes: Uint8Array): T {
  return t.toObject(t.decode(bytes), TO_OBJECT) as T;
}

// Plain-object shapes of the messages (camelCase, as protobufjs names fields). Optional fields follow proto3:
// absent means the default value.

export interface EventProto {
  wallTime?: number;
  step?: number;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: SummaryProto;
  sessionLog?: SessionLogProto;
  taggedRunMetadata?: { tag?: string; runMetadata?: Uint8Array };
  metaGraphDef?: Uint8Array;
  sourceMetadata?: { writer?: string };
}

export const SessionStatus = { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } as const;

export interface SessionLogProto {
  status?: number;
  checkpointPath?: string;
  msg?: string;
}

export interface SummaryProto {
  value: SummaryValueProto[];
}

export interface SummaryValueProto {
  tag?: string;
  simpleValue?: number;
  image?: ImageProto;
  histo?: HistogramProtoObject;
  audio?: {
    sampleRate?: number;
    numChannels?: number;
    lengthFrames?: number;
    encodedAudioString?: Uint8Array;
    contentType?: string;
  };
  tensor?: TensorProtoObject;
  nodeName?: string;
  metadata?: SummaryMetadataProto;
}

export interface SummaryMetadataProto {
  pluginData?: { pluginName?: string; content?: Uint8Array };
  displayName?: string;
  summaryDescription?: string;
  dataClass?: number;
}

export interface ImageProto {
  height?: number;
  width?: number;
  colorspace?: number;
  encodedImageString?: Uint8Array;
}

export interface HistogramProtoObject {
  min?: number;
  max?: number;
  num?: number;
  sum?: number;
  sumSquares?: number;
  bucketLimit: number[];
  bucket: number[];
}

/** The Custom Scalars dashboard's layout (tensorboard/plugins/custom_scalar/layout.proto). */
export interface LayoutProto {
  version?: number;
  category: {
    title?: string;
    chart: {
      title?: string;
      multiline?: { tag: string[] };
      margin?: { series: { value?: string; lower?: string; upper?: string }[] };
    }[];
    closed?: boolean;
  }[];
}

export const DataType = {
  DT_INVALID: 0,
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_STRING: 7,
  DT_INT64: 9,
  DT_BOOL: 10,
} as const;

export interface TensorShapeProtoObject {
  dim: { size?: number; name?: string }[];
  unknownRank?: boolean;
}

export interface TensorProtoObject {
  dtype?: number;
  tensorShape?: TensorShapeProtoObject;
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: number[];
  boolVal?: boolean[];
}

export interface AttrValueProto {
  list?: {
    s?: Uint8Array[];
    i?: number[];
    f?: number[];
    b?: boolean[];
    type?: number[];
    shape?: TensorShapeProtoObject[];
  };
  s?: Uint8Array;
  i?: number;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShapeProtoObject;
  tensor?: TensorProtoObject;
}

export interface NodeDefProto {
  name: string;
  op: string;
  input: string[];
  device?: string;
  attr: Record<string, AttrValueProto>;
}

export interface GraphDefProto {
  node: NodeDefProto[];
  versions?: { producer?: number; minConsumer?: number };
}

/** google.protobuf.Value as the hparams plugin uses it. */
export interface ProtoValue {
  nullValue?: number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
}

export const HParamDataType = {
  DATA_TYPE_UNSET: 0,
  DATA_TYPE_STRING: 1,
  DATA_TYPE_BOOL: 2,
  DATA_TYPE_FLOAT64: 3,
} as const;
export const HParamStatus = { STATUS_UNKNOWN: 0, STATUS_SUCCESS: 1, STATUS_FAILURE: 2, STATUS_RUNNING: 3 } as const;

export interface HParamsPluginDataProto {
  version?: number;
  experiment?: {
    name?: string;
    description?: string;
    user?: string;
    timeCreatedSecs?: number;
    hparamInfos: {
      name?: string;
      displayName?: string;
      description?: string;
      type?: number;
      domainDiscrete?: { values: ProtoValue[] };
      domainInterval?: { minValue?: number; maxValue?: number };
    }[];
    metricInfos: {
      name?: { group?: string; tag?: string };
      displayName?: string;
      description?: string;
      datasetType?: number;
    }[];
  };
  sessionStartInfo?: {
    hparams: Record<string, ProtoValue>;
    modelUri?: string;
    monitorUrl?: string;
    groupName?: string;
    startTimeSecs?: number;
  };
  sessionEndInfo?: { status?: number; endTimeSecs?: number };
}

export const MeshContentType = { UNDEFINED: 0, VERTEX: 1, FACE: 2, COLOR: 3 } as const;

export interface MeshPluginDataProto {
  version?: number;
  name?: string;
  contentType?: number;
  jsonConfig?: string;
  shape: number[];
}
