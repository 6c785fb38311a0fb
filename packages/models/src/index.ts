import './register-models.js';

export { AlexNet, type AlexNetOptions, alexnet } from './alexnet.js';
export { BasicBlock } from './basic-block.js';
export { Bottleneck } from './bottleneck.js';
export type { ClassifierOptions } from './classifier-options.js';
export { lenet } from './lenet.js';
export { MLP, type MLPOptions } from './mlp.js';
export { type ResidualBlock, ResNet, type ResNetOptions, resnet18, resnet34, resnet50 } from './resnet.js';
export type { BlockOptions } from './resnet-convs.js';
export { Tudui, tudui } from './tudui.js';
export { VGG, type VGGOptions, vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn } from './vgg.js';
