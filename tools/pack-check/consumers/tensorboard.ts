// A user of @trainkit/tensorboard alone (it depends on no other trainkit package and not on tfjs): scalars and an
// image written with SummaryWriter, read back with loadRun.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun, SummaryWriter } from '@trainkit/tensorboard';

async function main(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-consumer-'));
  try {
    const writer = new SummaryWriter(dir);
    for (let step = 0; step < 5; step++) writer.addScalar('train_loss', 1 / (step + 1), step);
    const pixels = new Uint8Array(3 * 4 * 4).map((_, i) => (i * 16) % 256);
    writer.addImage('input', { data: pixels, shape: [3, 4, 4], dtype: 'uint8' }, 0);
    await writer.close();
    const run = await loadRun(dir);
    const losses = run.scalars.train_loss ?? [];
    if (losses.length !== 5 || losses[4]!.value !== Math.fround(0.2)) {
      throw new Error(`read back ${JSON.stringify(losses)}`);
    }
    const image = run.images.input?.[0];
    if (image?.width !== 4) throw new Error(`image read back as ${JSON.stringify(image)}`);
    return `5 scalars and a ${image.width}×${image.height} image written and read back`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(writer: SummaryWriter): void {
  // @ts-expect-error the tag is a string
  writer.addScalar(1, 0.5, 0);
  // @ts-expect-error close returns a promise, not a number
  const n: number = writer.close();
  void n;
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
