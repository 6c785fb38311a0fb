import { nn, type tf } from '@trainkit/core';
import { type ClassifierOptions, numClassesOf } from './classifier-options.js';

/**
 * The layers of the PyTorch tutorial's CIFAR-10 network as a bare `nn.Sequential` (parameter names `0.weight`, …),
 * the form the fixture scripts (tools/fixtures/cifar_steps.py) and the bench references build: [N, 3, 32, 32] →
 * [N, numClasses] logits (10 by default).
 */
export function tudui(options: ClassifierOptions = {}): nn.Sequential {
  const numClasses = numClassesOf('tudui', options, 10);
  return new nn.Sequential(
    new nn.Conv2d(3, 32, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 32, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(1024, 64),
    new nn.Linear(64, numClasses),
  );
}

/**
 * The CIFAR-10 network of the PyTorch tutorial (seed 002's `Tudui`): three 5×5 convolutions with 'same' padding,
 * each followed by 2×2 max pooling (32 → 16 → 8 → 4), then two linear layers. [N, 3, 32, 32] → [N, 10] logits.
 * No activations between the layers, exactly as the tutorial has it; the state dict names (`model.0.weight`, …)
 * are the tutorial's, so weights move to and from PyTorch with safetensors.
 */
export class Tudui extends nn.Module {
  model: nn.Sequential;

  constructor(options: ClassifierOptions = {}) {
    super();
    this.model = tudui({ numClasses: numClassesOf('Tudui', options, 10) });
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.model.call(x);
  }
}
