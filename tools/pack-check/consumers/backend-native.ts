// A user of @trainkit/backend-native with @trainkit/core. Its install script builds the oneDNN addon where it can
// and otherwise records why, without failing the install: built, a training step runs on 'native'; not built,
// asking for 'native' fails with that reason and 'auto' moves on to another backend.

import { kernelCounts, nativeStatus } from '@trainkit/backend-native';
import { backendInfo, nn, optim, tf, useBackend } from '@trainkit/core';

async function main(): Promise<string> {
  const status = nativeStatus();
  if (!status.available) {
    const refused = await useBackend('native').then(
      () => undefined,
      (err: Error) => err.message,
    );
    if (!refused?.includes(status.reason)) throw new Error(`useBackend('native') without the addon: ${refused}`);
    await useBackend('auto');
    return `not built (${status.reason}); auto chose ${backendInfo()?.name}`;
  }
  await useBackend('native');
  const model = new nn.Sequential(new nn.Conv2d(3, 16, 3), new nn.Flatten(), new nn.Linear(16 * 6 * 6, 2));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = tf.randomNormal([2, 3, 8, 8]);
  const y = tf.tensor1d([0, 1], 'int32');
  const loss = optimizer.step(() => new nn.CrossEntropyLoss().call(model.call(x), y));
  if (!Number.isFinite(loss)) throw new Error(`loss ${loss}`);
  const native = Object.values(kernelCounts).reduce((sum, c) => sum + c.native, 0);
  if (native === 0) throw new Error('no kernel ran natively');
  return `built (${status.reason}); a conv step ran ${native} native kernels`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(): void {
  // @ts-expect-error reason is a string
  const n: number = nativeStatus().reason;
  void n;
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
