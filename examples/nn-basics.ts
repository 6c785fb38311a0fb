// The PyTorch tutorial's nn chapters (P16–P26), in their order: a Module, F.conv2d by hand, Conv2d / MaxPool2d /
// ReLU / Sigmoid / Linear on CIFAR-10 images logged to TensorBoard, Sequential, the losses with the tutorial's
// numbers, backward and SGD, editing vgg16 and resnet18 (with frozen layers), and saving a state dict.
//   tsx examples/nn-basics.ts [--batches 2] [--epochs 20] [--save-vgg16]
import { backward, F, item, loadModel, nn, noGrad, optim, saveModel, tf, useBackend } from '@trainkit/core';
import { CIFAR10, DataLoader, Subset } from '@trainkit/data';
import { resnet18, Tudui, vgg16 } from '@trainkit/models';
import { SummaryWriter } from '@trainkit/tensorboard';
import { CIFAR10_SAMPLE, tutorialOptions } from './lib/tutorial-options.js';

const opts = tutorialOptions(
  { name: 'nn-basics', description: "the PyTorch tutorial's nn chapters, P16 (nn.Module) to P26 (saving a model)" },
  {
    batches: { type: 'int', min: 1, help: 'batches of 64 CIFAR-10 images per loop (default: the whole test set)' },
    epochs: { type: 'int', min: 1, default: 20, help: "P24's epochs of SGD" },
    saveVgg16: {
      type: 'boolean',
      default: false,
      help: "P26: save and load vgg16's state dict as the tutorial does (a 528 MB file); else the P22 Tudui's",
    },
  },
);
await useBackend();
const show = (name: string, t: tf.Tensor) => console.log(`${name} ${JSON.stringify(t.arraySync())}`);

// dataset = torchvision.datasets.CIFAR10("../data", train=False, transform=ToTensor())
const dataset = await CIFAR10.load({ root: CIFAR10_SAMPLE, train: false });
const images = opts.batches
  ? new Subset(dataset, [...Array(Math.min(opts.batches * 64, dataset.length)).keys()])
  : dataset;
// dataloader = DataLoader(dataset, batch_size=64) — P21 adds drop_last=True
const dataloader = new DataLoader(images, { batchSize: 64, dropLast: true });
const writer = new SummaryWriter(`${opts.outDir}/logs`);

// P16 nn.Module 的基本骨架
{
  class Tudui extends nn.Module {
    forward(input: tf.Tensor): tf.Tensor {
      return tf.add(input, 1);
    }
  }
  const tudui = new Tudui();
  const x = tf.scalar(1.0);
  show('P16 output', tudui.call(x)); // tensor(2.)
}

// P17 卷积操作: F.conv2d on the tutorial's 5×5 input and 3×3 kernel
const input = tf.tensor2d(
  [
    [1, 2, 0, 3, 1],
    [0, 1, 2, 3, 1],
    [1, 2, 1, 0, 0],
    [5, 2, 3, 1, 1],
    [2, 1, 0, 1, 1],
  ],
  undefined,
  'int32',
);
{
  const kernel = tf.tensor2d(
    [
      [1, 2, 1],
      [0, 1, 0],
      [2, 1, 0],
    ],
    undefined,
    'int32',
  );
  const x = tf.reshape(input, [1, 1, 5, 5]);
  const k = tf.reshape(kernel, [1, 1, 3, 3]);
  show('P17 stride=1', F.conv2d(x, k, null, { stride: 1 }));
  show('P17 stride=2', F.conv2d(x, k, null, { stride: 2 }));
  show('P17 stride=1 padding=1', F.conv2d(x, k, null, { stride: 1, padding: 1 }));
}

// P18 卷积层: Conv2d(3, 6, 3) on the CIFAR-10 images, input and output logged with add_images
{
  class Tudui extends nn.Module {
    conv1 = new nn.Conv2d(3, 6, 3, { stride: 1, padding: 0 });
    forward(x: tf.Tensor): tf.Tensor {
      return this.conv1.call(x);
    }
  }
  const tudui = new Tudui();
  console.log(String(tudui));
  let step = 0;
  for await (const [imgs] of dataloader) {
    const output = noGrad(() => tudui.call(imgs));
    if (step === 0) console.log(`P18 imgs [${imgs.shape}] → output [${output.shape}]`); // [64, 6, 30, 30]
    writer.addImages('input', imgs, step);
    // add_images wants 3 channels: torch.reshape(output, (-1, 3, 30, 30)) doubles the batch (values outside
    // [0, 1] are clipped, as PyTorch's writer does)
    const shown = tf.reshape(output, [-1, 3, 30, 30]);
    writer.addImages('output', shown, step);
    tf.dispose([output, shown]);
    step++;
  }
}

// P19 最大池化: MaxPool2d(3, ceil_mode=True) keeps the partial windows, ceil_mode=False drops them
{
  const x = tf.reshape(tf.cast(input, 'float32'), [-1, 1, 5, 5]);
  show('P19 ceil_mode=True', new nn.MaxPool2d(3, { ceilMode: true }).call(x)); // [[[[2, 3], [5, 1]]]]
  show('P19 ceil_mode=False', new nn.MaxPool2d(3, { ceilMode: false }).call(x)); // [[[[2]]]]
  const maxpool1 = new nn.MaxPool2d(3, { ceilMode: false });
  let step = 0;
  for await (const [imgs] of dataloader) {
    const output = noGrad(() => maxpool1.call(imgs));
    writer.addImages('maxpool', output, step++);
    output.dispose();
  }
}

// P20 非线性激活: ReLU on the tutorial's 2×2 input, Sigmoid on the images
{
  const x = tf.reshape(
    tf.tensor2d([
      [1, -0.5],
      [-1, 3],
    ]),
    [-1, 1, 2, 2],
  );
  show('P20 ReLU', new nn.ReLU().call(x)); // [[[[1, 0], [0, 3]]]]
  const sigmoid1 = new nn.Sigmoid();
  let step = 0;
  for await (const [imgs] of dataloader) {
    const output = noGrad(() => sigmoid1.call(imgs));
    writer.addImages('sigmoid', output, step++);
    output.dispose();
  }
}

// P21 线性层: torch.flatten(imgs) of a whole batch (64·3·32·32 = 196608 values) through Linear(196608, 10)
{
  const linear1 = new nn.Linear(196608, 10);
  for await (const [imgs] of dataloader) {
    const output = noGrad(() => linear1.call(tf.reshape(imgs, [-1])));
    console.log(`P21 flatten [${imgs.shape}] → [${imgs.size}] → linear1 [${output.shape}]`); // [10]
    output.dispose();
    break;
  }
  linear1.dispose();
}

// P22 Sequential: the tutorial's CIFAR-10 network, checked with torch.ones((64, 3, 32, 32)) and add_graph
const tudui = new Tudui();
{
  console.log(String(tudui));
  const x = tf.ones([64, 3, 32, 32]);
  const output = noGrad(() => tudui.call(x));
  console.log(`P22 output [${output.shape}]`); // [64, 10]
  writer.addGraph(tudui, x);
  tf.dispose([x, output]);
}

// P23 损失函数与反向传播: the tutorial's numbers, then a loss on the network and its backward
{
  const inputs = tf.reshape(tf.tensor1d([1, 2, 3]), [1, 1, 1, 3]);
  const targets = tf.reshape(tf.tensor1d([1, 2, 5]), [1, 1, 1, 3]);
  console.log(
    `P23 L1Loss(reduction='sum') ${item(new nn.L1Loss({ reduction: 'sum' }).call(inputs, targets)).toFixed(4)}`,
  ); // 2.
  console.log(`P23 L1Loss ${item(new nn.L1Loss().call(inputs, targets)).toFixed(4)}`); // 0.6667
  console.log(`P23 MSELoss ${item(new nn.MSELoss().call(inputs, targets)).toFixed(4)}`); // 1.3333
  const x = tf.reshape(tf.tensor1d([0.1, 0.2, 0.3]), [1, 3]);
  const y = tf.tensor1d([1], 'int32');
  console.log(`P23 CrossEntropyLoss ${item(new nn.CrossEntropyLoss().call(x, y)).toFixed(4)}`); // 1.1019

  const loss = new nn.CrossEntropyLoss();
  for await (const [imgs, labels] of dataloader) {
    const resultLoss = backward(() => loss.call(tudui.call(imgs), labels), tudui.parameters()); // result_loss.backward()
    const grad = (tudui.model.at(0) as nn.Conv2d).weight.grad; // tudui.model[0].weight.grad
    console.log(`P23 result_loss ${resultLoss.toFixed(4)}, model.0.weight.grad [${grad?.shape}]`);
    break;
  }
  tudui.zeroGrad();
}

// P24 优化器: SGD(lr=0.01), the running loss of each epoch
{
  const loss = new nn.CrossEntropyLoss();
  const optim1 = new optim.SGD(tudui.parameters(), { lr: 0.01 });
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    let runningLoss = 0;
    for await (const [imgs, targets] of dataloader) {
      optim1.zeroGrad();
      runningLoss += backward(() => loss.call(tudui.call(imgs), targets), tudui.parameters());
      optim1.step();
    }
    console.log(`P24 epoch ${epoch} running_loss ${runningLoss.toFixed(4)}`);
    writer.addScalar('running_loss', runningLoss, epoch);
  }
  optim1.dispose();
}

// P25 现有网络模型的使用及修改: vgg16 as a 10-class classifier, two ways
{
  // pretrained=False: the weights are not needed to print and edit the network, and drawing VGG's 138 M initial
  // weights takes some 20 s of CPU, so skipInit leaves them zero (each vgg16 still holds 553 MB: one at a time)
  const vgg16True = nn.utils.skipInit(() => vgg16());
  vgg16True.classifier.addModule('add_linear', new nn.Linear(1000, 10)); // vgg16_true.classifier.add_module(...)
  console.log(String(vgg16True));
  vgg16True.dispose();
  const vgg16False = nn.utils.skipInit(() => vgg16());
  vgg16False.classifier.set(6, new nn.Linear(4096, 10)); // vgg16_false.classifier[6] = nn.Linear(4096, 10)
  console.log(String(vgg16False));
  console.log(`P25 vgg16_false.classifier[6] ${vgg16False.classifier.at(6)}`);

  // freezing: only the new head trains (requires_grad_(False) on the rest)
  vgg16False.features.requiresGrad_(false);
  const trainable = (m: nn.Module) =>
    [...m.parameters()].filter((p) => p.requiresGrad).reduce((n, p) => n + p.data.size, 0);
  console.log(`P25 vgg16_false trainable parameters after freezing features: ${trainable(vgg16False)}`);

  // resnet18: replace fc, freeze everything else, one SGD step changes fc only
  const resnet = resnet18();
  resnet.requiresGrad_(false);
  resnet.fc = new nn.Linear(512, 10); // a new layer requires grad
  console.log(`P25 resnet18.fc ${resnet.fc}, trainable parameters ${trainable(resnet)}`);
  const optimizer = new optim.SGD(resnet.parameters(), { lr: 0.01 });
  for await (const [imgs, targets] of dataloader) {
    const conv1Before = resnet.conv1.weight.data.clone();
    const fcBefore = resnet.fc.weight.data.clone();
    const x = imgs.slice([0, 0, 0, 0], [8, -1, -1, -1]);
    const y = targets.slice([0], [8]);
    optimizer.step(() => new nn.CrossEntropyLoss().call(resnet.call(x), y));
    const moved = (a: tf.Tensor, b: tf.Tensor) => item(tf.max(tf.abs(tf.sub(a, b))));
    const conv1Change = moved(conv1Before, resnet.conv1.weight.data);
    console.log(`P25 one step: conv1 changed by ${conv1Change}, fc by ${moved(fcBefore, resnet.fc.weight.data)}`);
    tf.dispose([conv1Before, fcBefore, x, y]);
    break;
  }
  optimizer.dispose();
  resnet.dispose();

  // P26 网络模型的保存与读取, method 2: torch.save(model.state_dict(), path), then load_state_dict into a new model
  if (opts.saveVgg16) {
    await vgg16False.save(`${opts.outDir}/vgg16_method2.safetensors`);
    const loaded = nn.utils.skipInit(() => vgg16());
    loaded.classifier.set(6, new nn.Linear(4096, 10));
    await loaded.load(`${opts.outDir}/vgg16_method2.safetensors`);
    console.log(`P26 vgg16 state dict loaded: ${Object.keys(loaded.stateDict()).length} tensors`);
    loaded.dispose();
  }
  vgg16False.dispose();
}

// P26 method 2 on the network trained above (the tutorial's vgg16 file is 528 MB: --save-vgg16 writes it)
{
  const path = `${opts.outDir}/tudui_method2.safetensors`;
  await tudui.save(path); // torch.save(tudui.state_dict(), "tudui_method2.pth")
  const model = new Tudui(); // tudui = Tudui(); tudui.load_state_dict(torch.load("tudui_method2.pth"))
  await model.load(path);
  const x = tf.ones([2, 3, 32, 32]);
  const same = noGrad(() => item(tf.max(tf.abs(tf.sub(tudui.call(x), model.call(x))))));
  console.log(`P26 state dict saved to ${path} and loaded: largest output difference ${same}`);
  x.dispose();
}

// P26 method 1: torch.save(tudui, "tudui_method1.pth"), then tudui = torch.load("tudui_method1.pth") — the whole model,
// its architecture in the file, rebuilt without naming the class
{
  const path = `${opts.outDir}/tudui_method1.safetensors`;
  await saveModel(tudui, path);
  const model = await loadModel<Tudui>(path);
  const x = tf.ones([2, 3, 32, 32]);
  const same = noGrad(() => item(tf.max(tf.abs(tf.sub(tudui.call(x), model.call(x))))));
  console.log(`P26 whole model saved to ${path} and loaded as ${model.typeName}: largest output difference ${same}`);
  x.dispose();
}

// P26's trap (陷阱): a class of your own saved whole loads only where the class is known — torch.load needs it
// importable, loadModel needs it registered, and says so
{
  class MyNet extends nn.Module {
    conv1 = new nn.Conv2d(3, 64, 3);
    forward(x: tf.Tensor): tf.Tensor {
      return this.conv1.call(x);
    }
  }
  const path = `${opts.outDir}/mynet_method1.safetensors`;
  await saveModel(new MyNet(), path);
  try {
    await loadModel(path);
  } catch (err) {
    console.log(`P26 trap: ${(err as Error).message}`);
  }
  nn.registerModuleClass(MyNet);
  console.log(`P26 after nn.registerModuleClass(MyNet): ${String(await loadModel(path))}`);
}

await writer.close();
console.log(`TensorBoard logs in ${opts.outDir}/logs (tensorboard --logdir ${opts.outDir}/logs)`);
