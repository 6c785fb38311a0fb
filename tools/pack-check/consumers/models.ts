// A user of @trainkit/models (with @trainkit/core): d2l's LeNet with torchvision-style options, its parameter count
// and a forward pass.
import { noGrad, tf, useBackend } from '@trainkit/core';
import { lenet, resnet18 } from '@trainkit/models';

async function main(): Promise<string> {
  await useBackend('cpu');
  const net = lenet();
  const count = net.parameters().reduce((n, p) => n + p.data.size, 0);
  if (count !== 61706) throw new Error(`lenet has ${count} parameters, expected 61,706`);
  const out = noGrad(() => net.eval().call(tf.zeros([2, 1, 28, 28]))) as tf.Tensor;
  if (out.shape.join() !== '2,10') throw new Error(`lenet output [${out.shape}]`);
  return `lenet: ${count} parameters, output [${out.shape}]`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(): void {
  // @ts-expect-error numClasses is a number
  resnet18({ numClasses: 'ten' });
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
