import { tf, useBackend } from '@trainkit/core';
import { tudui } from '@trainkit/test-models';
import { beforeAll, describe, expect, it } from 'vitest';
import { summary } from '../src/index.js';
import { RESNET18_FROZEN_LAYERS, SINGLE_INPUT, SINGLE_INPUT_ALL_COLS } from './fixtures/torchinfo-outputs.js';
import { ResNet, SingleInputNet } from './helpers/reference-models.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('summary matches torchinfo 1.8 output verbatim', () => {
  it('SingleInputNet at [7, 1, 28, 28], every column, col_width 20, depth 1 (single_input_all_cols.out)', () => {
    const stats = summary(new SingleInputNet(), {
      inputData: tf.randomNormal([7, 1, 28, 28]),
      depth: 1,
      colNames: ['kernel_size', 'input_size', 'output_size', 'num_params', 'params_percent', 'mult_adds', 'trainable'],
      colWidth: 20,
    });
    expect(stats.toString()).toBe(SINGLE_INPUT_ALL_COLS);
    expect(stats.totalParams).toBe(21840);
  });

  it('SingleInputNet at [2, 1, 28, 28] with the default columns (single_input.out)', () => {
    expect(summary(new SingleInputNet(), { inputSize: [2, 1, 28, 28] }).toString()).toBe(SINGLE_INPUT);
  });

  it('torchvision resnet18 at [1, 3, 64, 64] with its first 30 parameters frozen, depth 3 (frozen_layers.out)', () => {
    const model = new ResNet();
    model.parameters().forEach((p, i) => {
      if (i < 30) p.requiresGrad = false;
    });
    const stats = summary(model, {
      inputSize: [1, 3, 64, 64],
      depth: 3,
      colNames: ['output_size', 'num_params', 'kernel_size', 'mult_adds'],
    });
    expect(stats.toString()).toBe(RESNET18_FROZEN_LAYERS);
    model.dispose();
  });
});

describe('summary of the CIFAR tutorial network at [64, 3, 32, 32]', () => {
  // Hand-computed with torchinfo's definitions (N = 64):
  //   Conv2d(3,32,5,p=2):  params 3·32·25 + 32 = 2,432;  out [64,32,32,32]; mult-adds = params · N·H·W = 2,432 · 65,536 = 159,383,552
  //   Conv2d(32,32,5,p=2): params 32·32·25 + 32 = 25,632; out [64,32,16,16]; 25,632 · 16,384 = 419,954,688
  //   Conv2d(32,64,5,p=2): params 32·64·25 + 64 = 51,264; out [64,64,8,8];   51,264 · 4,096 = 209,977,344
  //   Linear(1024,64): 65,600 params; mult-adds = params · N = 4,198,400.  Linear(64,10): 650; 41,600
  //   Total params 145,578; total mult-adds 793,555,584 → 793.56 M
  //   Input size: 64·3·32·32 floats · 4 B = 786,432 B → 0.79 MB
  //   Forward/backward: outputs of the layers with parameters, ×2 for gradients, 4 B each:
  //     (2,097,152 + 524,288 + 262,144 + 4,096 + 640) · 4 · 2 = 23,106,560 B → 23.11 MB
  //   Params size: 145,578 · 4 = 582,312 B → 0.58 MB;  total 786,432 + 23,106,560 + 582,312 = 24,475,304 B → 24.48 MB
  //   Param %: 2,432/145,578 = 1.67%, 17.61%, 35.21%, 45.06%, 0.45%
  it('prints the default columns', () => {
    const model = tudui();
    const stats = summary(model, { inputSize: [64, 3, 32, 32] });
    expect(stats.toString()).toBe(
      `==========================================================================================
Layer (type:depth-idx)                   Output Shape              Param #
==========================================================================================
Sequential                               [64, 10]                  --
├─Conv2d: 1-1                            [64, 32, 32, 32]          2,432
├─MaxPool2d: 1-2                         [64, 32, 16, 16]          --
├─Conv2d: 1-3                            [64, 32, 16, 16]          25,632
├─MaxPool2d: 1-4                         [64, 32, 8, 8]            --
├─Conv2d: 1-5                            [64, 64, 8, 8]            51,264
├─MaxPool2d: 1-6                         [64, 64, 4, 4]            --
├─Flatten: 1-7                           [64, 1024]                --
├─Linear: 1-8                            [64, 64]                  65,600
├─Linear: 1-9                            [64, 10]                  650
==========================================================================================
Total params: 145,578
Trainable params: 145,578
Non-trainable params: 0
Total mult-adds (M): 793.56
==========================================================================================
Input size (MB): 0.79
Forward/backward pass size (MB): 23.11
Params size (MB): 0.58
Estimated Total Size (MB): 24.48
==========================================================================================`,
    );
    expect(stats.totalMultAdds).toBe(793_555_584);
    expect(stats.totalInput).toBe(786_432);
    expect(stats.totalOutputBytes).toBe(23_106_560);
    expect(stats.totalParamBytes).toBe(582_312);
    expect(stats.estimatedTotalBytes).toBe(24_475_304);
    model.dispose();
  });

  it('prints every column (col_width 20)', () => {
    const model = tudui();
    const text = summary(model, {
      inputSize: [64, 3, 32, 32],
      colNames: ['kernel_size', 'input_size', 'output_size', 'num_params', 'params_percent', 'mult_adds', 'trainable'],
      colWidth: 20,
    }).toString();
    const lines = text.split('\n');
    expect(lines.slice(1, 14)).toEqual([
      'Layer (type:depth-idx)                   Kernel Shape         Input Shape          Output Shape         Param #              Param %              Mult-Adds            Trainable',
      '='.repeat(180),
      'Sequential                               --                   [64, 3, 32, 32]      [64, 10]             --                        --              --                   True',
      '├─Conv2d: 1-1                            [5, 5]               [64, 3, 32, 32]      [64, 32, 32, 32]     2,432                  1.67%              159,383,552          True',
      '├─MaxPool2d: 1-2                         2                    [64, 32, 32, 32]     [64, 32, 16, 16]     --                        --              --                   --',
      '├─Conv2d: 1-3                            [5, 5]               [64, 32, 16, 16]     [64, 32, 16, 16]     25,632                17.61%              419,954,688          True',
      '├─MaxPool2d: 1-4                         2                    [64, 32, 16, 16]     [64, 32, 8, 8]       --                        --              --                   --',
      '├─Conv2d: 1-5                            [5, 5]               [64, 32, 8, 8]       [64, 64, 8, 8]       51,264                35.21%              209,977,344          True',
      '├─MaxPool2d: 1-6                         2                    [64, 64, 8, 8]       [64, 64, 4, 4]       --                        --              --                   --',
      '├─Flatten: 1-7                           --                   [64, 64, 4, 4]       [64, 1024]           --                        --              --                   --',
      '├─Linear: 1-8                            --                   [64, 1024]           [64, 64]             65,600                45.06%              4,198,400            True',
      '├─Linear: 1-9                            --                   [64, 64]             [64, 10]             650                    0.45%              41,600               True',
      '='.repeat(180),
    ]);
    model.dispose();
  });
});
