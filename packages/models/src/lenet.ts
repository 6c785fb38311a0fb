import { nn } from '@trainkit/core';
import { type ClassifierOptions, numClassesOf } from './classifier-options.js';

/**
 * LeNet-5 as d2l defines it (chapter "Convolutional Neural Networks (LeNet)"): two 5×5 convolutions with sigmoid
 * and 2×2 average pooling, then three linear layers, on [N, 1, 28, 28] Fashion-MNIST images → [N, numClasses]
 * logits (10 by default); 61,706 parameters. A bare `nn.Sequential` like d2l's `net`, so its state dict
 * (`0.weight`, …, `11.bias`) is d2l's.
 */
export function lenet(options: ClassifierOptions = {}): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, 2),
    new nn.Conv2d(6, 16, 5),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, 2),
    new nn.Flatten(),
    new nn.Linear(16 * 5 * 5, 120),
    new nn.Sigmoid(),
    new nn.Linear(120, 84),
    new nn.Sigmoid(),
    new nn.Linear(84, numClassesOf('lenet', options, 10)),
  );
}
