import { nn } from '@trainkit/core';

/** torchvision's conv3x3: a 3×3 convolution with padding 1 and no bias (a BatchNorm follows it). */
export function conv3x3(inPlanes: number, outPlanes: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
}

/** torchvision's conv1x1: a 1×1 convolution with no bias. */
export function conv1x1(inPlanes: number, outPlanes: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

/** What a block's constructor takes besides its widths, as torchvision's stride and downsample arguments. */
export interface BlockOptions {
  /** the stride of the block's strided convolution (2 where a stage halves the resolution) */
  stride?: number;
  /** the shortcut's projection (conv1x1 + BatchNorm2d) where the block changes the shape, else the identity */
  downsample?: nn.Sequential | null;
}
