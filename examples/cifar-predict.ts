// The PyTorch tutorial's test.py (P32): open one image, Resize((32, 32)) + ToTensor(), load the model that
// cifar-train.ts saved, and classify the image in eval mode under no_grad.
//   tsx examples/cifar-train.ts && tsx examples/cifar-predict.ts [--image dog.png] [--checkpoint tudui_9.safetensors]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argmax, loadModel, noGrad, tf, useBackend } from '@trainkit/core';
import { CIFAR10, decodeImage, transforms } from '@trainkit/data';
import type { Tudui } from '@trainkit/models';
import '@trainkit/models';
import { encodePng } from '@trainkit/tensorboard';
import { CIFAR10_SAMPLE, tutorialOptions } from './lib/tutorial-options.js';

const opts = tutorialOptions(
  { name: 'cifar-predict', description: "the PyTorch tutorial's test.py: classify one image with a saved model" },
  {
    image: {
      type: 'string',
      help: 'a PNG or JPEG to classify (default: the first dog of the CIFAR-10 test sample, written as dog.png)',
    },
    checkpoint: {
      type: 'string',
      help: "the saved model (default: cifar-train.ts's last tudui_N.safetensors beside this program's output folder)",
    },
  },
);
await useBackend();
const testSet = await CIFAR10.load({ root: CIFAR10_SAMPLE, train: false, onWarning: () => {} });
const classes = testSet.classes; // airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck

// image_path = "../imgs/dog.png"
const imagePath = opts.image ?? (await writeSampleDog(join(opts.outDir, 'dog.png')));
// image = Image.open(image_path); image = image.convert('RGB')
const image = decodeImage(readFileSync(imagePath), imagePath);
console.log(`image ${imagePath}: ${image.width}×${image.height}`);

// transform = torchvision.transforms.Compose([Resize((32, 32)), ToTensor()])
// Resize on a PIL image: PIL's antialiased bilinear filter
const transform = transforms.compose([transforms.resize([32, 32], { antialias: true }), transforms.toTensor()]);
const input = transform(image);

// model = torch.load("tudui_29_gpu.pth", map_location=torch.device('cpu'))
const checkpoint = opts.checkpoint ?? lastCheckpoint(join(opts.outDir, '..', 'cifar-train'));
// The file holds the whole model (cifar-train.ts saved it with saveModel): loadModel rebuilds the Tudui from it, as
// torch.load does, no class needed here beyond the import of @trainkit/models, which registers its networks.
const model = await loadModel<Tudui>(checkpoint);
console.log(String(model));

// image = torch.reshape(image, (1, 3, 32, 32))
const batch = tf.tensor(input.data, [1, 3, 32, 32]);
model.eval();
// with torch.no_grad(): output = model(image)
const output = noGrad(() => model.call(batch));
console.log(`output ${JSON.stringify(output.arraySync())}`); // print(output)
const predicted = argmax(output, 1).dataSync()[0]!; // print(output.argmax(1))
console.log(`argmax ${predicted}: ${classes[predicted]}`);

/**
 * The tutorial classifies a photo of a dog; offline, the first dog of the test sample stands in, enlarged 4× (nearest)
 * to 128×128 so that Resize((32, 32)) has a photo-sized image to shrink, and written as a PNG.
 */
async function writeSampleDog(path: string): Promise<string> {
  const index = testSet.targets.indexOf(classes.indexOf('dog'));
  const [dog] = await testSet.getItem(index);
  writeFileSync(path, encodePng(transforms.resize([128, 128], { interpolation: 'nearest' })(dog)));
  console.log(`test image ${index} (a dog) written to ${path}`);
  return path;
}

/** The highest-numbered tutorial checkpoint in `dir`, as test.py names the last epoch's file. */
function lastCheckpoint(dir: string): string {
  const epochs = existsSync(dir)
    ? readdirSync(dir)
        .flatMap((f) => /^tudui_(\d+)\.safetensors$/.exec(f)?.[1] ?? [])
        .map(Number)
    : [];
  if (epochs.length === 0) {
    throw new Error(`no tudui_N.safetensors in ${dir}: run examples/cifar-train.ts first, or give --checkpoint PATH`);
  }
  return join(dir, `tudui_${Math.max(...epochs)}.safetensors`);
}
