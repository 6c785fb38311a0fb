import { join } from 'node:path';
import { embeddingShape, PROJECTOR_CONFIG, type ProjectorEmbedding } from '../projector-config.js';
import type { RunData } from '../run-loader.js';
import { alignColumns } from './text-table.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function series(kind: string, map: Record<string, { step: number }[]>): string[][] {
  return Object.entries(map).map(([tag, list]) => {
    const last = list.at(-1);
    return [kind, tag, `${plural(list.length, 'point')}${last ? `, last step ${last.step}` : ''}`];
  });
}

async function embeddingRow(run: RunData, e: ProjectorEmbedding): Promise<string[]> {
  const shape = await embeddingShape(join(run.dir, PROJECTOR_CONFIG), e);
  const what = shape
    ? `${plural(shape[0] ?? 0, 'point')} × ${plural(shape[1] ?? 0, 'dimension')}`
    : e.tensorPath
      ? `${e.tensorPath} is missing`
      : 'tensor in a checkpoint';
  const extras = [
    e.metadataPath ? 'metadata' : '',
    e.sprite ? `sprite ${e.sprite.singleImageDim.join('×')}` : '',
    e.bookmarksPath ? 'bookmarks' : '',
  ].filter(Boolean);
  return ['embedding', e.tensorName, [what, ...extras].join(', ')];
}

/** What a run holds, one row per tag, chart or embedding: [kind, name, details]. */
async function runRows(run: RunData): Promise<string[][]> {
  const rows = [
    ...series('scalars', run.scalars),
    ...series('images', run.images),
    ...series('histograms', run.histograms),
    ...series('texts', run.texts),
    ...series('pr_curves', run.prCurves),
  ];
  for (const [tag, slot] of Object.entries(run.tensors))
    rows.push(...series(slot.plugin || 'tensors', { [tag]: slot.entries }));
  if (run.graph) rows.push(['graph', '', plural(run.graph.node.length, 'node')]);
  if (run.hparams) {
    const h = run.hparams;
    const values = Object.entries(h.values).map(([k, v]) => `${k}=${v}`);
    const metrics = h.metricTags.length ? `metrics: ${h.metricTags.join(', ')}` : '';
    const status = h.status ? `status: ${h.status}` : '';
    rows.push(['hparams', '', [values.join(' '), metrics, status].filter(Boolean).join('; ')]);
  }
  for (const category of run.customScalarsLayout?.category ?? []) {
    for (const chart of category.chart) {
      const name = `${category.title ?? ''}/${chart.title ?? ''}`;
      if (chart.multiline) rows.push(['custom_scalars', name, `Multiline: ${chart.multiline.tag.join(', ')}`]);
      else if (chart.margin) {
        const series = chart.margin.series.map((s) => `${s.value} (${s.lower} to ${s.upper})`);
        rows.push(['custom_scalars', name, `Margin: ${series.join(', ')}`]);
      }
    }
  }
  for (const e of run.embeddings) rows.push(await embeddingRow(run, e));
  return rows;
}

/**
 * `trainkit-tb ls`: each run with its number of event files, then what it holds — scalars, images, histograms,
 * texts, PR curves, other plugins' tensors, graph, hparams, custom scalars charts, projector embeddings — in columns
 * aligned across all runs.
 */
export async function lsCommand(runs: readonly RunData[]): Promise<string> {
  const blocks = [];
  for (const run of runs) blocks.push({ run, rows: await runRows(run) });
  const lines = alignColumns(blocks.flatMap((b) => b.rows));
  const out: string[] = [];
  let k = 0;
  for (const { run, rows } of blocks) {
    out.push(`${run.name}  (${plural(run.files.length, 'event file')})`);
    if (rows.length === 0) out.push('  (nothing logged)');
    for (let i = 0; i < rows.length; i++) out.push(`  ${lines[k++]}`);
  }
  return out.join('\n');
}
