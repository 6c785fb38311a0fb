import { nn, tf } from '@trainkit/core';
import { type BlockOptions, conv3x3 } from './resnet-convs.js';

/**
 * ResNet-18/34's residual block, as torchvision.models.resnet.BasicBlock: two 3×3 convolutions with BatchNorm, the
 * input (or its downsample projection) added before the last ReLU. [N, inPlanes, H, W] → [N, planes, H/stride, W/stride].
 */
export class BasicBlock extends nn.Module {
  /** output channels per `planes` */
  static readonly expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Sequential | null;
  readonly stride: number;

  constructor(inPlanes: number, planes: number, options: BlockOptions = {}) {
    super();
    this.stride = options.stride ?? 1;
    this.conv1 = conv3x3(inPlanes, planes, this.stride);
    this.bn1 = new nn.BatchNorm2d(planes);
    this.relu = new nn.ReLU({ inplace: true });
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new nn.BatchNorm2d(planes);
    this.downsample = options.downsample ?? null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(tf.add(out, identity));
  }
}
