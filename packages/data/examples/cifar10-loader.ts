import { useBackend } from '@trainkit/core';
import { CIFAR10, DataLoader, transforms as T } from '@trainkit/data';

await useBackend();
const augment = T.compose([
  T.randomCrop(32, { padding: 4 }),
  T.randomHorizontalFlip(),
  T.toTensor(),
  T.normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
]);
const trainSet = await CIFAR10.load({ root: 'data', train: true, download: true, transform: augment });
const loader = new DataLoader(trainSet, { batchSize: 64, shuffle: true, seed: 0 });
console.log(`${trainSet.length} images in ${loader.length} batches; classes ${trainSet.classes.join(', ')}`);
for await (const [x, y] of loader) {
  // x: float32 [64, 3, 32, 32] (NCHW), y: int32 [64]; both are disposed when the next batch is requested
  console.log(`x ${x.dtype} [${x.shape}], y ${y.dtype} [${y.shape}]`);
}
