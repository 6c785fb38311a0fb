import { nn } from '@trainkit/core';
import { AlexNet } from './alexnet.js';
import { BasicBlock } from './basic-block.js';
import { Bottleneck } from './bottleneck.js';
import { MLP } from './mlp.js';
import { ResNet } from './resnet.js';
import { Tudui } from './tudui.js';
import { VGG } from './vgg.js';

// The models' classes, registered so that loadModel(path) rebuilds a saved model (torch.load finds torchvision's
// classes by import path the same way): each with the constructor arguments that rebuild it; whatever the user
// changed after construction (a new head, an appended layer) is restored from the file's children.
const block = (m: BasicBlock | Bottleneck) => [
  m.conv1.inChannels,
  m.conv1.outChannels,
  { stride: m.stride, downsample: m.downsample },
];

nn.registerModuleClass(VGG, { name: 'trainkit.models.VGG', args: (m) => [m.features] });
nn.registerModuleClass(ResNet, {
  name: 'trainkit.models.ResNet',
  args: (m) => [
    m.layer1.at(0) instanceof Bottleneck ? Bottleneck : BasicBlock,
    [m.layer1.length, m.layer2.length, m.layer3.length, m.layer4.length],
  ],
});
nn.registerModuleClass(BasicBlock, { name: 'trainkit.models.BasicBlock', args: block });
nn.registerModuleClass(Bottleneck, { name: 'trainkit.models.Bottleneck', args: block });
nn.registerModuleClass(AlexNet, { name: 'trainkit.models.AlexNet' });
nn.registerModuleClass(Tudui, { name: 'trainkit.models.Tudui' });
nn.registerModuleClass(MLP, {
  name: 'trainkit.models.MLP',
  args: (m) => [{ inputDim: m.inputDim, numClasses: m.outputDim }],
});
