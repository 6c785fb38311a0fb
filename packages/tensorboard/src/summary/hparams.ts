import { encodeMessage, HParamDataType, HParamStatus, type ProtoValue, pb, type SummaryValueProto } from '../proto.js';

export type HParamValue = number | string | boolean;

/**
 * The three summaries PyTorch's `add_hparams` writes, with plugin "hparams": the Experiment (which hyperparameters
 * and metrics the HParams tab shows as columns), SessionStartInfo (this run's values), SessionEndInfo (success).
 * Booleans are DATA_TYPE_BOOL here; PyTorch logs them as numbers because Python's bool is an int.
 */
export function hparamsValues(
  hparams: Record<string, HParamValue | null | undefined>,
  metricTags: string[],
  domainDiscrete: Record<string, HParamValue[]> = {},
): SummaryValueProto[] {
  const hparamInfos: object[] = [];
  const values: Record<string, ProtoValue> = {};
  for (const [name, domain] of Object.entries(domainDiscrete)) {
    const v = hparams[name];
    if (v === undefined || v === null || !Array.isArray(domain) || domain.some((d) => typeof d !== typeof v)) {
      throw new TypeError(
        `hparamDomainDiscrete['${name}'] must be a list of values of the same type as hparams['${name}']`,
      );
    }
  }
  for (const [name, v] of Object.entries(hparams)) {
    if (v === undefined || v === null) continue;
    const pv = toProtoValue(v, name);
    values[name] = pv;
    const type =
      typeof v === 'number'
        ? HParamDataType.DATA_TYPE_FLOAT64
        : typeof v === 'string'
          ? HParamDataType.DATA_TYPE_STRING
          : HParamDataType.DATA_TYPE_BOOL;
    const info: Record<string, unknown> = { name, type };
    const domain = domainDiscrete[name];
    if (domain) info.domainDiscrete = { values: domain.map((d) => toProtoValue(d, name)) };
    hparamInfos.push(info);
  }
  const experiment = { hparamInfos, metricInfos: metricTags.map((tag) => ({ name: { tag } })) };
  const value = (tag: string, data: object): SummaryValueProto => ({
    tag,
    metadata: { pluginData: { pluginName: 'hparams', content: encodeMessage(pb.HParamsPluginData, data) } },
  });
  return [
    value('_hparams_/experiment', { experiment }),
    value('_hparams_/session_start_info', { sessionStartInfo: { hparams: values } }),
    value('_hparams_/session_end_info', { sessionEndInfo: { status: HParamStatus.STATUS_SUCCESS } }),
  ];
}

function toProtoValue(v: HParamValue, name: string): ProtoValue {
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  throw new TypeError(`hparam '${name}': value should be a number, string or boolean, got ${typeof v}`);
}
