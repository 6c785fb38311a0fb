import { ModuleDict } from '../containers/module-dict.js';
import { ModuleList } from '../containers/module-list.js';
import { Sequential } from '../containers/sequential.js';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Dropout2d,
  Embedding,
  Flatten,
  GELU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
  Upsample,
} from '../layers/index.js';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss } from '../losses/index.js';
import type { Loss } from '../losses/loss.js';
import type { Module } from '../module.js';
import { type ModuleClass, registerBuiltInModuleClass } from './module-registry.js';

// trainkit's own modules, each with the constructor arguments that rebuild it from its public fields: one list,
// registered in one loop. A layer missing here cannot be rebuilt by loadModel(path), so a test checks the list
// against every Module class that nn exports.
const none = () => [];
const conv = (m: Conv1d | Conv2d) => {
  const { inChannels, outChannels, kernelSize, stride, padding, dilation, groups, paddingMode } = m;
  return [
    inChannels,
    outChannels,
    kernelSize,
    { stride, padding, dilation, groups, bias: m.bias !== null, paddingMode },
  ];
};
const batchNorm = (m: BatchNorm1d | BatchNorm2d) => {
  const { numFeatures, eps, momentum, affine, trackRunningStats } = m;
  return [numFeatures, { eps, momentum, affine, trackRunningStats }];
};
const dropout = (m: Dropout) => [{ p: m.p, inplace: m.inplace }];
/** A loss's options; its class weights are buffers whose shape only a tensor argument gives, so those are refused. */
const loss =
  <L extends Loss>(options: (m: L) => Record<string, unknown>) =>
  (m: L) => {
    const weights = m.ownBuffers().map(([name]) => name);
    if (weights.length > 0) {
      throw new Error(`${m.typeName} with ${weights.join(' and ')} cannot be saved as part of a whole model`);
    }
    return [{ reduction: m.reduction, ...options(m) }];
  };

const BUILT_IN: [ModuleClass, (m: never) => unknown[]][] = [
  [Sequential, none],
  [ModuleList, none],
  [ModuleDict, none],
  [Linear, (m: Linear) => [m.inFeatures, m.outFeatures, { bias: m.bias !== null }]],
  [Conv1d, conv],
  [Conv2d, conv],
  [
    ConvTranspose2d,
    (m: ConvTranspose2d) => {
      const { inChannels, outChannels, kernelSize, stride, padding, outputPadding } = m;
      return [inChannels, outChannels, kernelSize, { stride, padding, outputPadding, bias: m.bias !== null }];
    },
  ],
  [
    MaxPool2d,
    (m: MaxPool2d) => [
      m.kernelSize,
      { stride: m.stride, padding: m.padding, dilation: m.dilation, ceilMode: m.ceilMode },
    ],
  ],
  [
    AvgPool2d,
    (m: AvgPool2d) => {
      const { stride, padding, ceilMode, countIncludePad, divisorOverride } = m;
      return [m.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride }];
    },
  ],
  [AdaptiveAvgPool2d, (m: AdaptiveAvgPool2d) => [m.outputSize]],
  [BatchNorm1d, batchNorm],
  [BatchNorm2d, batchNorm],
  [LayerNorm, (m: LayerNorm) => [m.normalizedShape, { eps: m.eps, elementwiseAffine: m.elementwiseAffine }]],
  [Embedding, (m: Embedding) => [m.numEmbeddings, m.embeddingDim, { paddingIdx: m.paddingIdx }]],
  [Dropout, dropout],
  [Dropout2d, dropout],
  [Flatten, (m: Flatten) => [m.startDim, m.endDim]],
  [Identity, none],
  [
    Upsample,
    (m: Upsample) => [{ size: m.size, scaleFactor: m.scaleFactor, mode: m.mode, alignCorners: m.alignCorners }],
  ],
  [ReLU, (m: ReLU) => [{ inplace: m.inplace }]],
  [LeakyReLU, (m: LeakyReLU) => [{ negativeSlope: m.negativeSlope }]],
  [GELU, (m: GELU) => [{ approximate: m.approximate }]],
  [Sigmoid, none],
  [Tanh, none],
  [Softmax, (m: Softmax) => [{ dim: m.dim }]],
  [LogSoftmax, (m: LogSoftmax) => [{ dim: m.dim }]],
  [L1Loss, loss(() => ({}))],
  [MSELoss, loss(() => ({}))],
  [CrossEntropyLoss, loss((m: CrossEntropyLoss) => ({ ignoreIndex: m.ignoreIndex, labelSmoothing: m.labelSmoothing }))],
  [NLLLoss, loss((m: NLLLoss) => ({ ignoreIndex: m.ignoreIndex }))],
  [BCELoss, loss(() => ({}))],
  [BCEWithLogitsLoss, loss(() => ({}))],
];

for (const [cls, args] of BUILT_IN) registerBuiltInModuleClass(cls, args as (m: Module) => unknown[]);

/** @internal The classes registered above, for the test that every exported layer is among them. */
export const builtInModuleClasses: readonly ModuleClass[] = BUILT_IN.map(([cls]) => cls);
