// DataLoader throughput on a CIFAR-10-sized epoch: 50,000 synthetic records written in the official binary layout,
// read back by CIFAR10.load, augmented per sample (randomCrop(32, padding 4), flip, toTensor, normalize) and
// batched by 64 into NCHW tensors. Prints images/s and peak RSS. Run: npx tsx src/dataloader-bench.ts
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { backendInfo, describeBackend, useBackend } from '@trainkit/core';
import { CIFAR10, DataLoader, transforms } from '@trainkit/data';

export interface DataLoaderBenchOptions {
  /** records in the synthetic training split, spread over data_batch_1..5 (default 50,000) */
  records?: number;
  batchSize?: number;
  /** epochs timed after one warm-up epoch (default 1) */
  epochs?: number;
  /** prefetch depth of the loader (default: the loader's default) */
  prefetch?: number;
}

export interface DataLoaderBenchResult {
  imagesPerSec: number;
  /** images per second of this process's CPU time (user + system): less sensitive to other load on the machine */
  imagesPerCpuSec: number;
  peakRssMB: number;
  /** seconds CIFAR10.load took to read and decode the 5 batch files */
  loadSeconds: number;
  epochSeconds: number;
  images: number;
  batches: number;
  backend: string;
}

function writeSyntheticCifar(dir: string, records: number): void {
  const perFile = Math.ceil(records / 5);
  for (let k = 0; k < 5; k++) {
    const n = Math.max(0, Math.min(perFile, records - k * perFile));
    if (n === 0) break;
    const buf = Buffer.alloc(n * 3073);
    randomFillSync(buf);
    for (let r = 0; r < n; r++) buf[r * 3073] = (k * perFile + r) % 10;
    writeFileSync(join(dir, `data_batch_${k + 1}.bin`), buf);
  }
  writeFileSync(
    join(dir, 'batches.meta.txt'),
    'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n',
  );
}

export async function benchDataLoader(options: DataLoaderBenchOptions = {}): Promise<DataLoaderBenchResult> {
  const records = options.records ?? 50_000;
  const batchSize = options.batchSize ?? 64;
  const epochs = options.epochs ?? 1;
  if (!backendInfo()) await useBackend();
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-dataloader-bench-'));
  try {
    writeSyntheticCifar(dir, records);
    const t0 = performance.now();
    const train = await CIFAR10.load({
      root: dir,
      onWarning: () => {},
      transform: transforms.compose([
        transforms.randomCrop(32, { padding: 4 }),
        transforms.randomHorizontalFlip(),
        transforms.toTensor(),
        transforms.normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
      ]),
    });
    const loadSeconds = (performance.now() - t0) / 1000;
    const loader = new DataLoader(train, {
      batchSize,
      shuffle: true,
      seed: 0,
      ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
    });
    const epoch = async () => {
      let images = 0;
      let batches = 0;
      for await (const [x] of loader) {
        images += x.shape[0];
        batches++;
      }
      return { images, batches };
    };
    await epoch(); // warm-up: JIT, first tensor allocations
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    let images = 0;
    let batches = 0;
    for (let e = 0; e < epochs; e++) {
      const r = await epoch();
      images += r.images;
      batches += r.batches;
    }
    const epochSeconds = (performance.now() - t1) / 1000 / epochs;
    const cpu = process.cpuUsage(cpu0);
    return {
      imagesPerSec: images / (epochSeconds * epochs),
      imagesPerCpuSec: images / ((cpu.user + cpu.system) / 1e6),
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      loadSeconds,
      epochSeconds,
      images: images / epochs,
      batches: batches / epochs,
      backend: describeBackend(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchDataLoader();
  console.log(`dataloader-bench: backend ${r.backend}`);
  console.log(`  CIFAR10.load of 5 synthetic batch files: ${r.loadSeconds.toFixed(2)} s`);
  console.log(`  epoch: ${r.images} images in ${r.batches} batches of 64, ${r.epochSeconds.toFixed(2)} s`);
  console.log(
    `  throughput: ${Math.round(r.imagesPerSec)} images/s (randomCrop(32, padding 4) + flip + toTensor + normalize, collate)`,
  );
  console.log(
    `  per CPU second: ${Math.round(r.imagesPerCpuSec)} images (process CPU time, less sensitive to other load)`,
  );
  console.log(`  peak RSS: ${r.peakRssMB.toFixed(0)} MB`);
}
