import { F, nn, type tf } from '@trainkit/core';
import { type ClassifierOptions, numClassesOf } from './classifier-options.js';

export interface AlexNetOptions extends ClassifierOptions {
  /** the probability of the classifier's two Dropout layers (torchvision's dropout, default 0.5) */
  dropout?: number;
}

/**
 * AlexNet as torchvision.models.AlexNet (the one-GPU variant of "One weird trick…", 2014): five convolutions,
 * adaptive average pooling to 6×6 and a three-layer classifier; [N, 3, 224, 224] → [N, numClasses] logits,
 * 61,100,840 parameters with 1000 classes. Layers keep PyTorch's default initialisation, as torchvision's do.
 */
export class AlexNet extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(options: AlexNetOptions = {}) {
    super();
    const numClasses = numClassesOf('alexnet', options, 1000);
    const p = options.dropout ?? 0.5;
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 64, 11, { stride: 4, padding: 2 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d(3, 2),
      new nn.Conv2d(64, 192, 5, { padding: 2 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d(3, 2),
      new nn.Conv2d(192, 384, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(384, 256, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(256, 256, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d(3, 2),
    );
    this.avgpool = new nn.AdaptiveAvgPool2d([6, 6]);
    this.classifier = new nn.Sequential(
      new nn.Dropout(p),
      new nn.Linear(256 * 6 * 6, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout(p),
      new nn.Linear(4096, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Linear(4096, numClasses),
    );
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.classifier.call(F.flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

/** torchvision's alexnet(): AlexNet with fresh weights (load pretrained ones with `await model.load(path)`). */
export function alexnet(options: AlexNetOptions = {}): AlexNet {
  return new AlexNet(options);
}
