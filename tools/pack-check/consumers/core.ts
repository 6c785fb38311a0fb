// A user of @trainkit/core alone: a small model trained for a few steps on the cpu backend, saved as safetensors
// and loaded back. pack-check compiles it as ESM (bundler, nodenext) and CJS (nodenext) and runs both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendInfo, manualSeed, nn, optim, tf, useBackend } from '@trainkit/core';

async function main(): Promise<string> {
  await useBackend('cpu');
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.5 });
  const x = tf.randomNormal([6, 4]);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
  const losses: number[] = [];
  for (let i = 0; i < 20; i++) losses.push(optimizer.step(() => lossFn.call(model.call(x), y)) ?? Number.NaN);
  if (!(losses[19]! < losses[0]!)) throw new Error(`loss did not fall: ${losses[0]} → ${losses[19]}`);
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-consumer-'));
  try {
    await model.save(join(dir, 'model.safetensors'));
    const copy = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    await copy.load(join(dir, 'model.safetensors'));
    const same = tf.sub(model.call(x), copy.call(x)).abs().max().dataSync()[0];
    if (same !== 0) throw new Error(`reloaded model differs by ${same}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `backend ${backendInfo()?.name}, loss ${losses[0]!.toFixed(3)} → ${losses[19]!.toFixed(3)}, safetensors round trip`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(model: nn.Module): void {
  // @ts-expect-error lr is a number
  new optim.SGD(model.parameters(), { lr: 'fast' });
  // @ts-expect-error not a backend name
  void useBackend('gpu-please');
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
