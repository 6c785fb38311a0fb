import { F, nn, type tf } from '@trainkit/core';
import { BasicBlock } from './basic-block.js';
import { Bottleneck } from './bottleneck.js';
import { type ClassifierOptions, numClassesOf } from './classifier-options.js';
import { type BlockOptions, conv1x1 } from './resnet-convs.js';

/** A residual block class: BasicBlock or Bottleneck. */
export interface ResidualBlock {
  readonly expansion: number;
  new (inPlanes: number, planes: number, options?: BlockOptions): BasicBlock | Bottleneck;
}

export interface ResNetOptions extends ClassifierOptions {
  /**
   * torchvision's zero_init_residual (default false): start the last BatchNorm of every block at weight 0, so each
   * residual branch starts at zero and each block as the identity.
   */
  zeroInitResidual?: boolean;
}

/**
 * ResNet as torchvision.models.ResNet ("Deep Residual Learning for Image Recognition"): a 7×7 stride-2 stem with
 * BatchNorm and max pooling, four stages `layer1`…`layer4` of residual blocks (64, 128, 256, 512 planes; the later
 * three halve the resolution), global average pooling and the linear head `fc`; [N, 3, H, W] → [N, numClasses]
 * logits. Freeze a stage as in PyTorch with `model.layer1.requiresGrad_(false)`, replace the head with
 * `model.fc = new nn.Linear(512, 10)`.
 */
export class ResNet extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  maxpool: nn.MaxPool2d;
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  layer4: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  fc: nn.Linear;
  #inPlanes = 64;

  constructor(block: ResidualBlock, layers: readonly [number, number, number, number], options: ResNetOptions = {}) {
    super();
    const numClasses = numClassesOf('ResNet', options, 1000);
    this.conv1 = new nn.Conv2d(3, this.#inPlanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new nn.BatchNorm2d(this.#inPlanes);
    this.relu = new nn.ReLU({ inplace: true });
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.#makeLayer(block, 64, layers[0]);
    this.layer2 = this.#makeLayer(block, 128, layers[1], 2);
    this.layer3 = this.#makeLayer(block, 256, layers[2], 2);
    this.layer4 = this.#makeLayer(block, 512, layers[3], 2);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(512 * block.expansion, numClasses);

    // torchvision's initialisation; fc keeps Linear's default
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
    }
    if (options.zeroInitResidual) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck && m.bn3.weight) nn.init.zeros_(m.bn3.weight);
        else if (m instanceof BasicBlock && m.bn2.weight) nn.init.zeros_(m.bn2.weight);
      }
    }
  }

  forward(x: tf.Tensor): tf.Tensor {
    let out = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    out = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(out))));
    return this.fc.call(F.flatten(this.avgpool.call(out), 1));
  }

  /** torchvision's _make_layer: the first block may stride and project the shortcut, the others keep the shape. */
  #makeLayer(block: ResidualBlock, planes: number, blocks: number, stride = 1): nn.Sequential {
    const outPlanes = planes * block.expansion;
    const downsample =
      stride !== 1 || this.#inPlanes !== outPlanes
        ? new nn.Sequential(conv1x1(this.#inPlanes, outPlanes, stride), new nn.BatchNorm2d(outPlanes))
        : null;
    const layers: nn.Module[] = [new block(this.#inPlanes, planes, { stride, downsample })];
    this.#inPlanes = outPlanes;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.#inPlanes, planes));
    return new nn.Sequential(...layers);
  }
}

function resnet(name: string, block: ResidualBlock, layers: [number, number, number, number], o: ResNetOptions) {
  numClassesOf(name, o, 1000); // before the stages are built, and naming the factory called
  return new ResNet(block, layers, o);
}

/** ResNet-18, torchvision's resnet18: BasicBlocks [2, 2, 2, 2], 11,689,512 parameters with 1000 classes. */
export const resnet18 = (options: ResNetOptions = {}): ResNet => resnet('resnet18', BasicBlock, [2, 2, 2, 2], options);
/** ResNet-34, torchvision's resnet34: BasicBlocks [3, 4, 6, 3], 21,797,672 parameters. */
export const resnet34 = (options: ResNetOptions = {}): ResNet => resnet('resnet34', BasicBlock, [3, 4, 6, 3], options);
/** ResNet-50, torchvision's resnet50: Bottlenecks [3, 4, 6, 3], 25,557,032 parameters. */
export const resnet50 = (options: ResNetOptions = {}): ResNet => resnet('resnet50', Bottleneck, [3, 4, 6, 3], options);
