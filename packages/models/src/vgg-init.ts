import { nn } from '@trainkit/core';

/**
 * torchvision's VGG weight initialisation (init_weights=True), over `module` and its descendants: convolutions
 * Kaiming-normal (fan_out, relu) with zero bias, BatchNorm weight 1 and bias 0, linear layers N(0, 0.01²) with zero
 * bias.
 */
export function initVGGWeights(module: nn.Module): void {
  for (const m of module.modules()) {
    if (m instanceof nn.Conv2d) {
      nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      if (m.bias) nn.init.zeros_(m.bias);
    } else if (m instanceof nn.BatchNorm2d) {
      if (m.weight) nn.init.ones_(m.weight);
      if (m.bias) nn.init.zeros_(m.bias);
    } else if (m instanceof nn.Linear) {
      nn.init.normal_(m.weight, 0, 0.01);
      if (m.bias) nn.init.zeros_(m.bias);
    }
  }
}
