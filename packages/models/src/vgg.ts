import { F, nn, type tf } from '@trainkit/core';
import { type ClassifierOptions, numClassesOf } from './classifier-options.js';
import { initVGGWeights } from './vgg-init.js';

/** torchvision's configurations "A", "B", "D", "E": the output channels of each 3×3 convolution, 'M' a 2×2 max pool. */
const CONFIGS = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>;

export interface VGGOptions extends ClassifierOptions {
  /** the probability of the classifier's two Dropout layers (torchvision's dropout, default 0.5) */
  dropout?: number;
  /**
   * torchvision's init_weights (default true): convolutions Kaiming-normal (fan_out, relu) with zero bias, linear
   * layers N(0, 0.01²) with zero bias; false keeps PyTorch's default initialisation of each layer.
   */
  initWeights?: boolean;
}

/**
 * VGG as torchvision.models.VGG ("Very Deep Convolutional Networks for Large-Scale Image Recognition"): `features`
 * (3×3 convolutions, optionally with BatchNorm, and max pools), adaptive average pooling to 7×7 and a three-layer
 * `classifier` (Linear 25088 → 4096, ReLU, Dropout, Linear 4096 → 4096, ReLU, Dropout, Linear 4096 → numClasses);
 * [N, 3, 224, 224] → [N, numClasses] logits. Replace the head as in PyTorch:
 * `model.classifier.set(6, new nn.Linear(4096, 10))`.
 */
export class VGG extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(features: nn.Sequential, options: VGGOptions = {}) {
    super();
    const p = options.dropout ?? 0.5;
    this.features = features;
    this.avgpool = new nn.AdaptiveAvgPool2d([7, 7]);
    this.classifier = new nn.Sequential(
      new nn.Linear(512 * 7 * 7, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout(p),
      new nn.Linear(4096, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout(p),
      new nn.Linear(4096, numClassesOf('VGG', options, 1000)),
    );
    if (options.initWeights ?? true) initVGGWeights(this);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.classifier.call(F.flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

/** torchvision's make_layers: each convolution (padding 1) followed by BatchNorm2d with batchNorm, then ReLU. */
function makeLayers(config: readonly (number | 'M')[], batchNorm: boolean): nn.Sequential {
  const layers: nn.Module[] = [];
  let inChannels = 3;
  for (const v of config) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d(2, 2));
      continue;
    }
    layers.push(new nn.Conv2d(inChannels, v, 3, { padding: 1 }));
    if (batchNorm) layers.push(new nn.BatchNorm2d(v));
    layers.push(new nn.ReLU({ inplace: true }));
    inChannels = v;
  }
  return new nn.Sequential(...layers);
}

function vgg(name: string, config: keyof typeof CONFIGS, batchNorm: boolean, options: VGGOptions): VGG {
  numClassesOf(name, options, 1000); // before the convolutions are built, and naming the factory called
  return new VGG(makeLayers(CONFIGS[config], batchNorm), options);
}

/** VGG-11 (configuration "A"), torchvision's vgg11: 132,863,336 parameters with 1000 classes. */
export const vgg11 = (options: VGGOptions = {}): VGG => vgg('vgg11', 'A', false, options);
/** VGG-11 with BatchNorm, torchvision's vgg11_bn: 132,868,840 parameters. */
export const vgg11Bn = (options: VGGOptions = {}): VGG => vgg('vgg11Bn', 'A', true, options);
/** VGG-13 (configuration "B"), torchvision's vgg13: 133,047,848 parameters. */
export const vgg13 = (options: VGGOptions = {}): VGG => vgg('vgg13', 'B', false, options);
/** VGG-13 with BatchNorm, torchvision's vgg13_bn: 133,053,736 parameters. */
export const vgg13Bn = (options: VGGOptions = {}): VGG => vgg('vgg13Bn', 'B', true, options);
/** VGG-16 (configuration "D"), torchvision's vgg16: 138,357,544 parameters. */
export const vgg16 = (options: VGGOptions = {}): VGG => vgg('vgg16', 'D', false, options);
/** VGG-16 with BatchNorm, torchvision's vgg16_bn: 138,365,992 parameters. */
export const vgg16Bn = (options: VGGOptions = {}): VGG => vgg('vgg16Bn', 'D', true, options);
/** VGG-19 (configuration "E"), torchvision's vgg19: 143,667,240 parameters. */
export const vgg19 = (options: VGGOptions = {}): VGG => vgg('vgg19', 'E', false, options);
/** VGG-19 with BatchNorm, torchvision's vgg19_bn: 143,678,248 parameters. */
export const vgg19Bn = (options: VGGOptions = {}): VGG => vgg('vgg19Bn', 'E', true, options);
