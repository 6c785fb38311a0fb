// A user of @trainkit/metrics (with @trainkit/core): d2l's Accumulator and accuracy by hand, evaluate over an
// array of batches, and a confusion matrix report.
import { nn, noGrad, tf, useBackend } from '@trainkit/core';
import { Accumulator, accuracy, ConfusionMatrix, evaluate } from '@trainkit/metrics';

async function main(): Promise<string> {
  await useBackend('cpu');
  const model = new nn.Linear(2, 2);
  // a linear map that scores class 0 when x0 > x1
  model.loadStateDict({ weight: tf.tensor2d([1, 0, 0, 1], [2, 2]), bias: tf.zeros([2]) });
  const x = tf.tensor2d([3, 1, 0, 2, 5, 4, 1, 1.5], [4, 2]);
  const y = tf.tensor1d([0, 1, 1, 0], 'int32'); // predictions 0, 1, 0, 1: half right
  const metric = new Accumulator(2);
  noGrad(() => {
    metric.add(accuracy(model.call(x), y), y.size);
  });
  if (metric.get(0) !== 2 || metric.get(1) !== 4) throw new Error(`accumulated ${metric.get(0)}/${metric.get(1)}`);
  const result = await evaluate(model, [[x, y]], new nn.CrossEntropyLoss(), { disposeBatches: false });
  if (result.accuracy !== 0.5) throw new Error(`evaluate gave accuracy ${result.accuracy}`);
  const report = new ConfusionMatrix(2, { classNames: ['a', 'b'] }).update([0, 1, 0, 1], [0, 1, 0, 0]).report();
  if (!report.includes('accuracy')) throw new Error(`report without accuracy:\n${report}`);
  return `accuracy 2/4, evaluate loss ${result.loss.toFixed(4)}, confusion matrix report`;
}

/** Never called: each line must fail to compile, which it cannot if the package's types resolved to `any`. */
export function typesAreChecked(): void {
  // @ts-expect-error n is a number
  new Accumulator('two');
  // @ts-expect-error numClasses is required
  new ConfusionMatrix();
}

main().then(
  (line) => console.log(`ok ${line}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
