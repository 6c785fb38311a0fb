// model-printing.ts and nn-basics.ts: what the PyTorch tutorial prints, printed here.
import { rmSync } from 'node:fs';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOutRoot, numbersAfter, runTutorial } from './run-tutorial.js';

const outRoot = makeOutRoot();
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('model-printing.ts', () => {
  it("prints the Tudui network, torchinfo's tables and a tqdm bar over the batches", async () => {
    const { stdout, stderr } = await runTutorial('model-printing', ['--limit', '128'], { outRoot });
    expect(stdout).toMatch(
      /^Tudui\(\n {2}\(model\): Sequential\(\n {4}\(0\): Conv2d\(3, 32, kernel_size=\(5, 5\), stride=\(1, 1\), padding=\(2, 2\)\)\n/,
    );
    expect(stdout).toContain('    (8): Linear(in_features=64, out_features=10, bias=True)\n  )\n)\n');
    // torchinfo's figures for input (64, 3, 32, 32), twice: the default table and the one with five columns
    expect(stdout.match(/^Total params: 145,578$/gm)).toHaveLength(2);
    expect(stdout.match(/^Total mult-adds \(M\): 793\.56$/gm)).toHaveLength(2);
    expect(stdout).toMatch(/│ {4}└─Conv2d: 2-1 +\[64, 3, 32, 32\] +\[64, 32, 32, 32\] +2,432 +\[5, 5\] +159,383,552\n/);
    expect(stdout).toContain('128 images through the network in 2 batches');
    expect(stderr).toMatch(/forward: 100%\|██████████\| 2\/2 \[[^\]]*, images=128\]/);
  });
});

describe('nn-basics.ts', () => {
  it('P16–P26: the tutorial numbers, the images in TensorBoard, the edited vgg16 and resnet18, a saved state dict', async () => {
    const { stdout, outDir } = await runTutorial('nn-basics', ['--batches', '1', '--epochs', '2'], { outRoot });
    const lines = stdout.split('\n');
    const has = (line: string) => expect(lines).toContain(line);
    has('P16 output 2');
    // F.conv2d on the 5×5 input: the tutorial's three printed tensors
    has('P17 stride=1 [[[[10,12,12],[18,16,16],[13,9,3]]]]');
    has('P17 stride=2 [[[[10,12],[13,3]]]]');
    has('P17 stride=1 padding=1 [[[[1,3,4,10,8],[5,10,12,12,6],[7,18,16,16,8],[11,13,9,3,4],[14,13,9,7,4]]]]');
    has('P18 imgs [64,3,32,32] → output [64,6,30,30]');
    has('P19 ceil_mode=True [[[[2,3],[5,1]]]]');
    has('P19 ceil_mode=False [[[[2]]]]');
    has('P20 ReLU [[[[1,0],[0,3]]]]');
    has('P21 flatten [64,3,32,32] → [196608] → linear1 [10]');
    has('P22 output [64,10]');
    // the losses on inputs [1, 2, 3] and targets [1, 2, 5], and cross-entropy of [0.1, 0.2, 0.3] for class 1
    has("P23 L1Loss(reduction='sum') 2.0000");
    has('P23 L1Loss 0.6667');
    has('P23 MSELoss 1.3333');
    has('P23 CrossEntropyLoss 1.1019');
    const [resultLoss] = numbersAfter(stdout, 'P23 result_loss');
    expect(resultLoss).toBeGreaterThan(2); // an untrained 10-class network: about ln 10 = 2.30
    expect(resultLoss).toBeLessThan(2.6);
    expect(stdout).toContain('model.0.weight.grad [32,3,5,5]');
    const running = [0, 1].map((e) => numbersAfter(stdout, `P24 epoch ${e} running_loss`)[0]!);
    for (const l of running) expect(l).toBeGreaterThan(1.5);

    // P25: add_module appends to the classifier; classifier[6] = Linear(4096, 10) replaces the last layer
    expect(stdout).toMatch(
      /\(6\): Linear\(in_features=4096, out_features=1000, bias=True\)\n {4}\(add_linear\): Linear\(in_features=1000, out_features=10, bias=True\)\n {2}\)/,
    );
    has('P25 vgg16_false.classifier[6] Linear(in_features=4096, out_features=10, bias=True)');
    // the classifier alone: 25088·4096 + 4096 + 4096·4096 + 4096 + 4096·10 + 10
    has('P25 vgg16_false trainable parameters after freezing features: 119586826');
    has('P25 resnet18.fc Linear(in_features=512, out_features=10, bias=True), trainable parameters 5130');
    const [conv1Change, fcChange] = numbersAfter(stdout, 'P25 one step: conv1 changed by');
    expect(conv1Change).toBe(0); // frozen
    expect(fcChange).toBeGreaterThan(0); // the new head trains
    expect(numbersAfter(stdout, 'P26 state dict saved to')).toContain(0);
    expect(stdout).toMatch(/loaded: largest output difference 0$/m);
    expect(stdout).toMatch(
      /^P26 whole model saved to .*tudui_method1\.safetensors and loaded as Tudui: largest output difference 0$/m,
    );
    expect(stdout).toMatch(
      /^P26 trap: .*mynet_method1\.safetensors: the model's class 'MyNet' at \(the model\) is not registered: import the module that defines it and call nn\.registerModuleClass\(MyNet\) before loadModel$/m,
    );
    expect(stdout).toContain(
      'P26 after nn.registerModuleClass(MyNet): MyNet(\n  (conv1): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1))\n)',
    );

    // add_images grids, 8 per row: 64 inputs 32×32, 128 reshaped conv outputs 30×30, 64 pooled 10×10
    const run = await loadRun(`${outDir}/logs`);
    expect(run.issues).toEqual([]);
    const size = (tag: string) => run.images[tag]?.map((e) => [e.step, e.width, e.height]);
    expect(size('input')).toEqual([[0, 256, 256]]);
    expect(size('output')).toEqual([[0, 240, 480]]);
    expect(size('maxpool')).toEqual([[0, 80, 80]]);
    expect(size('sigmoid')).toEqual([[0, 256, 256]]);
    expect(run.scalars.running_loss?.map((p) => p.value)).toEqual(running.map((l) => expect.closeTo(l, 3)));
    expect(run.graph?.node?.length).toBeGreaterThan(0);
  });
});
