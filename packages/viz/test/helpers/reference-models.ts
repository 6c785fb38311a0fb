import { F, nn, type Tensor } from '@trainkit/core';

// core has no Dropout2d; in eval mode (summary's default) both are the identity, and only the type name shows.
class Dropout2d extends nn.Dropout {}

/** torchinfo's README model (tests/fixtures/models.py SingleInputNet); pooling and relu are functional calls. */
export class SingleInputNet extends nn.Module {
  readonly conv1: nn.Conv2d = new nn.Conv2d(1, 10, 5);
  readonly conv2: nn.Conv2d = new nn.Conv2d(10, 20, 5);
  readonly conv2_drop: nn.Dropout = new Dropout2d();
  readonly fc1: nn.Linear = new nn.Linear(320, 50);
  readonly fc2: nn.Linear = new nn.Linear(50, 10);

  forward(input: Tensor): Tensor {
    let x = F.relu(F.maxPool2d(this.conv1.call(input), 2));
    x = F.relu(F.maxPool2d(this.conv2_drop.call(this.conv2.call(x)), 2));
    x = x.reshape([-1, 320]);
    x = F.relu(this.fc1.call(x));
    x = F.dropout(x, { p: 0.5, training: this.training });
    x = this.fc2.call(x);
    return F.logSoftmax(x, 1);
  }
}

/** torchvision.models.resnet18's BasicBlock, attributes in torchvision's order (it fixes the parameter order). */
class BasicBlock extends nn.Module {
  readonly conv1: nn.Conv2d;
  readonly bn1: nn.BatchNorm2d;
  readonly relu: nn.ReLU = new nn.ReLU();
  readonly conv2: nn.Conv2d;
  readonly bn2: nn.BatchNorm2d;
  readonly downsample: nn.Sequential | undefined;

  constructor(inplanes: number, planes: number, stride = 1) {
    super();
    this.conv1 = new nn.Conv2d(inplanes, planes, 3, { stride, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = new nn.Conv2d(planes, planes, 3, { padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(planes);
    if (stride !== 1 || inplanes !== planes) {
      this.downsample = new nn.Sequential(
        new nn.Conv2d(inplanes, planes, 1, { stride, bias: false }),
        new nn.BatchNorm2d(planes),
      );
    }
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(out.add(identity));
  }
}

/** torchvision.models.resnet18(): BasicBlock, [2, 2, 2, 2], 1000 classes (the class is named ResNet there too). */
export class ResNet extends nn.Module {
  readonly conv1: nn.Conv2d = new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
  readonly bn1: nn.BatchNorm2d = new nn.BatchNorm2d(64);
  readonly relu: nn.ReLU = new nn.ReLU();
  readonly maxpool: nn.MaxPool2d = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
  readonly layer1: nn.Sequential = new nn.Sequential(new BasicBlock(64, 64), new BasicBlock(64, 64));
  readonly layer2: nn.Sequential = new nn.Sequential(new BasicBlock(64, 128, 2), new BasicBlock(128, 128));
  readonly layer3: nn.Sequential = new nn.Sequential(new BasicBlock(128, 256, 2), new BasicBlock(256, 256));
  readonly layer4: nn.Sequential = new nn.Sequential(new BasicBlock(256, 512, 2), new BasicBlock(512, 512));
  readonly avgpool: nn.AdaptiveAvgPool2d = new nn.AdaptiveAvgPool2d([1, 1]);
  readonly fc: nn.Linear = new nn.Linear(512, 1000);

  forward(input: Tensor): Tensor {
    let x = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(input))));
    x = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(x))));
    x = F.flatten(this.avgpool.call(x), 1);
    return this.fc.call(x);
  }
}
