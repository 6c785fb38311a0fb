import { nn, noGrad, useBackend } from '@trainkit/core';
import { CIFAR10, DataLoader } from '@trainkit/data';
import { Accumulator, accuracy, ConfusionMatrix, evaluate, getPredictions } from '@trainkit/metrics';

await useBackend();
const testSet = await CIFAR10.load({ root: 'data', train: false });
const testLoader = new DataLoader(testSet, { batchSize: 64 });
const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(3 * 32 * 32, 10)); // untrained: about 1 in 10 right

model.eval(); // d2l's evaluate_accuracy, by hand
const metric = new Accumulator(2); // correct predictions, predictions
for await (const [x, y] of testLoader) {
  noGrad(() => {
    metric.add(accuracy(model.call(x), y), y.size);
  });
}
console.log(`test acc ${(metric.get(0) / metric.get(1)).toFixed(3)}`);

const { loss, accuracy: acc } = await evaluate(model, testLoader, new nn.CrossEntropyLoss()); // or in one call
console.log(`test loss ${loss.toFixed(3)}, test acc ${acc.toFixed(3)}`);
const { labels, preds } = await getPredictions(model, testLoader);
console.log(new ConfusionMatrix(10, { classNames: testSet.classes }).update(preds, labels).report());
