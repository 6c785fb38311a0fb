import { nn, tf } from '@trainkit/core';
import { type BlockOptions, conv1x1, conv3x3 } from './resnet-convs.js';

/**
 * ResNet-50's residual block, as torchvision.models.resnet.Bottleneck (ResNet V1.5: the stride is on the 3×3
 * convolution): 1×1 down to `planes`, 3×3, 1×1 up to 4·planes, each with BatchNorm, the input (or its downsample
 * projection) added before the last ReLU. [N, inPlanes, H, W] → [N, 4·planes, H/stride, W/stride].
 */
export class Bottleneck extends nn.Module {
  /** output channels per `planes` */
  static readonly expansion = 4;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  conv3: nn.Conv2d;
  bn3: nn.BatchNorm2d;
  relu: nn.ReLU;
  downsample: nn.Sequential | null;
  readonly stride: number;

  constructor(inPlanes: number, planes: number, options: BlockOptions = {}) {
    super();
    this.stride = options.stride ?? 1;
    this.conv1 = conv1x1(inPlanes, planes);
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes, this.stride);
    this.bn2 = new nn.BatchNorm2d(planes);
    this.conv3 = conv1x1(planes, planes * Bottleneck.expansion);
    this.bn3 = new nn.BatchNorm2d(planes * Bottleneck.expansion);
    this.relu = new nn.ReLU({ inplace: true });
    this.downsample = options.downsample ?? null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(tf.add(out, identity));
  }
}
