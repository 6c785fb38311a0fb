import { DataType, encodeMessage, pb, type SummaryValueProto } from '../proto.js';

/**
 * PyTorch's layout dictionary: `{ category: { chartTitle: ['Multiline', tags] | ['Margin', [value, lower, upper]] } }`.
 * Multiline tags are regular expressions matched against scalar tags in every run.
 */
export type CustomScalarLayout = Record<
  string,
  Record<string, ['Multiline', string[]] | ['Margin', [string, string, string]]>
>;

/** The `custom_scalars__config__` summary: the Layout proto in a scalar DT_STRING tensor. */
export function customScalarsValue(layout: CustomScalarLayout): SummaryValueProto {
  const category = Object.entries(layout).map(([title, charts]) => ({
    title,
    chart: Object.entries(charts).map(([chartTitle, [kind, tags]]) => {
      if (kind === 'Margin') {
        if (tags.length !== 3) {
          throw new RangeError(
            `custom scalars chart '${chartTitle}': a Margin chart needs [value, lower, upper], got ${tags.length} tags`,
          );
        }
        return { title: chartTitle, margin: { series: [{ value: tags[0], lower: tags[1], upper: tags[2] }] } };
      }
      if (kind !== 'Multiline')
        throw new RangeError(
          `custom scalars chart '${chartTitle}': kind must be 'Multiline' or 'Margin', got '${kind}'`,
        );
      return { title: chartTitle, multiline: { tag: tags } };
    }),
  }));
  return {
    tag: 'custom_scalars__config__',
    tensor: {
      dtype: DataType.DT_STRING,
      tensorShape: { dim: [] },
      stringVal: [encodeMessage(pb.Layout, { category })],
    },
    metadata: { pluginData: { pluginName: 'custom_scalars' } },
  };
}
