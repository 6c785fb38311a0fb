// A user of @trainkit/backend-wasm with @trainkit/core: core finds the package at run time and the wasm binaries
// are read from node_modules (no network); a training step's conv gradients run on wasm.

import { WASM_KERNELS, wasmStatus } from '@trainkit/backend-wasm';
import { backendInfo, nn, optim, tf, useBackend } from '@trainkit/core';

async function main(): Promise<string> {
  if (!wasmStatus().available) throw new Error(`wasm not available: ${wasmStatus().reason}`);
  await useBackend('wasm');
  const info = backendInfo();
  if (info?.name !== 'wasm') throw new Error(`useBackend('wasm') gave ${info?.name}`);
  const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.Flatten(), new nn.Linear(4 * 6 * 6, 2));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = tf.randomNormal([2, 3, 8, 8]);
  const y = tf.tensor1d([0, 1], 'int32');
  const loss = optimizer.step(() => new nn.CrossEntropyLoss().call(model.call(x), y));
  if (!Number.isFinite(loss)) throw new Error(`loss ${loss}`);
  return `backend ${info.name} (${info.threads ?? 1} threads), ${WASM_KERNELS.length} kernels, a conv step`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(): void {
  // @ts-expect-error wasmStatus().available is a boolean
  const s: string = wasmStatus().available;
  void s;
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
