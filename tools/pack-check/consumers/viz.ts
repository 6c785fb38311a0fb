// A user of @trainkit/viz (with @trainkit/core): a torchinfo summary, a line plot rasterised to PNG by resvg (a
// native binary from a platform-specific optional dependency, with the fonts from dejavu-fonts-ttf) and a tqdm meter.
import { nn, useBackend } from '@trainkit/core';
import { formatMeter, linePlot, summary } from '@trainkit/viz';

async function main(): Promise<string> {
  await useBackend('cpu');
  const model = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.Flatten(), new nn.Linear(8 * 30 * 30, 10));
  const stats = summary(model, { inputSize: [2, 3, 32, 32] });
  if (stats.totalParams !== 3 * 8 * 9 + 8 + 7200 * 10 + 10) throw new Error(`totalParams ${stats.totalParams}`);
  if (!String(stats).includes('Conv2d: 1-1')) throw new Error(`summary table:\n${stats}`);
  const png = linePlot([{ name: 'loss', x: [1, 2, 3], y: [1, 0.5, 0.25] }], { xlabel: 'epoch' }).toPNG();
  const signature = Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('');
  if (signature !== 'PNG') throw new Error(`toPNG gave ${png.length} bytes starting ${signature}`);
  const meter = formatMeter({ n: 5, total: 10, elapsed: 2 });
  if (!meter.includes('5/10')) throw new Error(`meter ${meter}`);
  return `summary of ${stats.totalParams} params, line plot ${png.length} B PNG, meter "${meter.trim()}"`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(model: nn.Module): void {
  // @ts-expect-error inputSize is a shape
  summary(model, { inputSize: 'big' });
  // @ts-expect-error a series needs x and y
  linePlot([{ name: 'loss' }]);
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
