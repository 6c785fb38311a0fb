// PNG sizes and encode times: `npx tsx tools/bench/src/png-bench.ts [--runs N]`, from the repository root.
// For the images of packages/tensorboard/test/fixtures/png-sizes.json (CIFAR-10 cases need the sample at
// ../shared/data/cifar-10-sample) it prints, against PIL's default save:
//   1. per image: bytes of PIL, of encodePng, of the encoders it replaced (fast-png 8 as tensorboard used it:
//      filter 0, zlib level 3; viz's own: filter 0, node:zlib defaults), and median encode times;
//   2. the zlib settings encodePng could use after adaptive filtering (level × strategy × memLevel): total bytes
//      over all images relative to PIL's total, and total encode time, which is how its settings were chosen.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { constants, deflateSync, type ZlibOptions } from 'node:zlib';
import { encodePng } from '../../../packages/tensorboard/src/index.js';
import { filterScanlines } from '../../../packages/tensorboard/src/png/png-filters.js';
import {
  buildPixels,
  CIFAR_SAMPLE,
  loadSizeCases,
  type Pixels,
} from '../../../packages/tensorboard/test/helpers/png-fixture-images.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 15);

// fast-png is a dev dependency of @trainkit/tensorboard (its tests decode with it); resolve it from there.
const tensorboardDir = new URL('../../../packages/tensorboard/', import.meta.url);
const fastPngPath = createRequire(new URL('package.json', tensorboardDir)).resolve('fast-png');
const fastPng: { encode(image: Pixels & { depth: 8 }): Uint8Array } = await import(pathToFileURL(fastPngPath).href);

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

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
console.log(`\n${runs} runs per timing, median; node ${process.version}, zlib ${process.versions.zlib}\n`);
console.log(
  '| image | PIL bytes | encodePng | fast-png (before, tensorboard) | filter 0 + zlib 6 (before, viz) | encodePng ms | fast-png ms |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const totals = { pil: 0, ours: 0, fast: 0, viz: 0, oursMs: 0, fastMs: 0 };
for (const { name, pil, px } of images) {
  const ours = encodePng(px).length;
  const fast = fastPng.encode({ ...px, depth: 8 }).length;
  const viz = filterZeroPng(px, {});
  const oursMs = median(() => encodePng(px));
  const fastMs = median(() => fastPng.encode({ ...px, depth: 8 }));
  Object.assign(totals, {
    pil: totals.pil + pil,
    ours: totals.ours + ours,
    fast: totals.fast + fast,
    viz: totals.viz + viz,
    oursMs: totals.oursMs + oursMs,
    fastMs: totals.fastMs + fastMs,
  });
  const cell = (n: number) => `${n} (${(n / pil).toFixed(2)}×)`;
  console.log(
    `| ${name}, ${px.width}×${px.height}×${px.channels} | ${pil} | ${cell(ours)} | ${cell(fast)} | ${cell(viz)} | ${oursMs.toFixed(2)} | ${fastMs.toFixed(2)} |`,
  );
}
const t = totals;
console.log(
  `| **all** | ${t.pil} | ${t.ours} (${(t.ours / t.pil).toFixed(2)}×) | ${t.fast} (${(t.fast / t.pil).toFixed(2)}×) | ${t.viz} (${(t.viz / t.pil).toFixed(2)}×) | ${t.oursMs.toFixed(1)} | ${t.fastMs.toFixed(1)} |`,
);

console.log('\nzlib settings after adaptive filtering (all images):\n');
console.log('| level | strategy | memLevel | bytes | vs PIL | worst image vs PIL | deflate ms |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
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
      console.log(
        `| ${level} | ${strategyName} | ${memLevel} | ${bytes} | ${pct(bytes, t.pil)} | ${worst.toFixed(3)}× | ${ms.toFixed(1)} |`,
      );
    }
  }
}
const filterMs = images.reduce(
  (s, { px }) => s + median(() => filterScanlines(px.data, px.width * px.channels, px.height, px.channels)),
  0,
);
console.log(`\nadaptive filtering alone: ${filterMs.toFixed(1)} ms for all images`);
