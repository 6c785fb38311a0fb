import { DataType, type SummaryValueProto } from '../proto.js';

const utf8 = new TextEncoder();

/**
 * PyTorch's text summary: tag `<tag>/text_summary`, plugin "text" (TextPluginData version 0, which serializes to
 * no bytes), a 1-element DT_STRING tensor. The Text tab renders it as markdown.
 */
export function textValue(tag: string, text: string): SummaryValueProto {
  return {
    tag: `${tag}/text_summary`,
    tensor: { dtype: DataType.DT_STRING, tensorShape: { dim: [{ size: 1 }] }, stringVal: [utf8.encode(text)] },
    metadata: { pluginData: { pluginName: 'text' } },
  };
}
