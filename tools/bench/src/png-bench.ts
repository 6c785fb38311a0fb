// PNG sizes and encode times: `npx tsx tools/bench/src/png-bench.ts [--runs N]`, from the repository root.
// For the images of packages/tensorboard/test/fixtures/png-sizes.json (CIFAR-10 cases from the committed
// samples/cifar-10-sample) it prints, against PIL's default save:
//   1. per image: bytes of PIL, of encodePng, of the encoders it replaced (fast-png 8 as tensorboard used it:
//      filter 0, zlib level 3; viz's own: filter 0, node:zlib defaults), and median encode times;
//   2. the zlib settings encodePng could use after adaptive filtering (level × strategy × memLevel): total bytes
//      over all images relative to PIL's total, and total encode time, which is how its settings were chosen;
//   3. for the plots, the encoding step of viz's Figure.toPNG before (resvg's asPng) and now (RGB, encodePng).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants, deflateSync, type ZlibOptions } from 'node:zlib';
import { encodePng } from '../../../packages/tensorboard/src/index.js';
import { filterScanlines } from '../../../packages/tensorboard/src/png/png-filters.js';
import {
  buildPixels,
  CIFAR_SAMPLE,
  FIXTURES,
  loadSizeCases,
  type Pixels,
} from '../../../packages/tensorboard/test/helpers/png-fixture-images.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 15);

// fast-png is a dev dependency of @trainkit/tensorboard (its tests decode with it), resvg a dependency of
// @trainkit/viz: resolve them from there.
const requireFrom = (pkg: string) => createRequire(new URL(`../../../packages/${pkg}/package.json`, import.meta.url));
const fastPng: { encode(image: Pixels & { depth: 8 }): Uint8Array } = await import(
  pathToFileURL(requireFrom('tensorboard').resolve('fast-png')).href
);
interface Rendered {
  pixels: Uint8Array;
  width: number;
  height: number;
  asPng(): Uint8Array;
}
const { Resvg } = requireFrom('viz')('@resvg/resvg-js') as {
  Resvg: new (svg: string, options: object) => { render(): Rendered };
};

function median(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// Filter 0 rows, then deflate: the IDAT payload of viz's former encoder (+ 57 bytes of chunks around it).
function filterZeroPng(px: Pixels, options: ZlibOptions): number {
  const stride = px.width * px.channels;
  const rows = new Uint8Array((stride + 1) * px.height);
  for (let y = 0; y < px.height; y++) rows.set(px.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return deflateSync(rows, options).length + 57;
}

const { cases } = loadSizeCases();
const images: { name: string; pil: number; px: Pixels }[] = [];
for (const c of cases) {
  try {
    images.push({ name: c.name, pil: c.pilBytes, px: buildPixels(c.recipe) });
  } catch (err) {
    console.log(`skipped ${c.name}: ${(err as Error).message.split('\n')[0]} (CIFAR sample: ${CIFAR_SAMPLE})`);
  }
}

// 1. Per image.
const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);
console.log(`\n${runs} runs per timing, median; node ${process.version}, zlib ${process.versions.zlib}\n`);
row(
  ['image', 'PIL bytes', 'encodePng', 'fast-png (before: tensorboard)', 'filter 0, zlib 6 (before: viz)'].concat([
    'encodePng ms',
    'fast-png ms',
    'filter 0, zlib 6 ms',
  ]),
);
row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
const t = { pil: 0, ours: 0, fast: 0, viz: 0, oursMs: 0, fastMs: 0, vizMs: 0 };
for (const { name, pil, px } of images) {
  const sizes = [encodePng(px).length, fastPng.encode({ ...px, depth: 8 }).length, filterZeroPng(px, {})];
  const times = [
    median(() => encodePng(px)),
    median(() => fastPng.encode({ ...px, depth: 8 })),
    median(() => filterZeroPng(px, {})),
  ];
  t.pil += pil;
  [t.ours, t.fast, t.viz] = [t.ours + sizes[0]!, t.fast + sizes[1]!, t.viz + sizes[2]!];
  [t.oursMs, t.fastMs, t.vizMs] = [t.oursMs + times[0]!, t.fastMs + times[1]!, t.vizMs + times[2]!];
  row([
    `${name}, ${px.width}×${px.height}×${px.channels}`,
    pil,
    ...sizes.map((n) => `${n} (${(n / pil).toFixed(2)}×)`),
    ...times.map((ms) => ms.toFixed(2)),
  ]);
}
row([
  '**all**',
  t.pil,
  ...[t.ours, t.fast, t.viz].map((n) => `${n} (${(n / t.pil).toFixed(2)}×)`),
  ...[t.oursMs, t.fastMs, t.vizMs].map((ms) => ms.toFixed(1)),
]);

// 2. zlib settings.
console.log('\nzlib settings after adaptive filtering (all images):\n');
row(['level', 'strategy', 'memLevel', 'bytes', 'vs PIL', 'worst image vs PIL', 'deflate ms']);
row(['---:', '---', '---:', '---:', '---:', '---:', '---:']);
const filtered = images.map(({ px, pil }) => ({
  pil,
  rows: filterScanlines(px.data, px.width * px.channels, px.height, px.channels),
}));
for (const level of [1, 3, 6, 9]) {
  for (const [strategyName, strategy] of [
    ['default', constants.Z_DEFAULT_STRATEGY],
    ['filtered', constants.Z_FILTERED],
  ] as const) {
    for (const memLevel of [8, 9]) {
      const options = { level, strategy, memLevel };
      let bytes = 0;
      let worst = 0;
      let ms = 0;
      for (const { rows, pil } of filtered) {
        const n = deflateSync(rows, options).length + 57;
        bytes += n;
        worst = Math.max(worst, n / pil);
        ms += median(() => deflateSync(rows, options));
      }
      const pct = `${((100 * bytes) / t.pil).toFixed(0)} %`;
      row([level, strategyName, memLevel, bytes, pct, `${worst.toFixed(3)}×`, ms.toFixed(1)]);
    }
  }
}
const filterMs = images.reduce(
  (s, { px }) => s + median(() => filterScanlines(px.data, px.width * px.channels, px.height, px.channels)),
  0,
);
console.log(`\nadaptive filtering alone: ${filterMs.toFixed(1)} ms for all images`);

// 3. The plots, rendered by resvg at 1:1 from an SVG holding the fixture PNG (opaque, so the same pixels), then
// encoded as Figure.toPNG did (resvg's asPng, RGBA) and does (the RGB through encodePng).
console.log('\nFigure.toPNG, encoding step (resvg raster → PNG):\n');
row(['plot', 'resvg asPng bytes', 'RGB + encodePng bytes', 'asPng ms', 'RGB + encodePng ms']);
row(['---', '---:', '---:', '---:', '---:']);
for (const c of cases) {
  if (c.recipe.kind !== 'plot' || c.channels !== 3) continue;
  const b64 = readFileSync(join(FIXTURES, 'png', c.recipe.file)).toString('base64');
  const [w, h] = [c.width, c.height];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><image width="${w}" height="${h}" href="data:image/png;base64,${b64}"/></svg>`;
  const rendered = new Resvg(svg, { background: 'white' }).render();
  // As toPNG does: read the pixels (a copy out of resvg) once, keep RGB, encode.
  const viaEncodePng = () => {
    const rgba = rendered.pixels;
    const n = rendered.width * rendered.height;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      rgb[3 * i] = rgba[4 * i]!;
      rgb[3 * i + 1] = rgba[4 * i + 1]!;
      rgb[3 * i + 2] = rgba[4 * i + 2]!;
    }
    return encodePng({ data: rgb, width: rendered.width, height: rendered.height, channels: 3 });
  };
  row([
    c.recipe.file,
    rendered.asPng().length,
    viaEncodePng().length,
    median(() => rendered.asPng()).toFixed(1),
    median(viaEncodePng).toFixed(1),
  ]);
}
