import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadModel,
  loadSafetensors,
  manualSeed,
  nn,
  optim,
  saveCheckpoint,
  saveModel,
  saveSafetensors,
  tf,
  useBackend,
} from '../src/index.js';
import { builtInModuleClasses } from '../src/nn/architecture/builtin-modules.js';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'trainkit-whole-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (name: string) => join(dir, name);

function expectSameState(a: nn.Module, b: nn.Module): void {
  const sa = a.stateDict();
  const sb = b.stateDict();
  expect(Object.keys(sb)).toEqual(Object.keys(sa));
  for (const [k, t] of Object.entries(sa)) {
    expect(sb[k]!.shape, k).toEqual(t.shape);
    expect(Array.from(sb[k]!.dataSync()), k).toEqual(Array.from(t.dataSync()));
  }
}

function output(model: nn.Module, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from((model.call as (x: tf.Tensor) => tf.Tensor)(x).dataSync()));
}

describe('saveModel / loadModel(path): the whole model, as torch.save(model) / torch.load', () => {
  it('registers every Module class that nn exports (abstract bases aside)', () => {
    const abstract = new Set<unknown>([nn.Module, nn.ConvNd, nn.BatchNorm]);
    const exported = Object.values(nn).filter(
      (v): v is typeof nn.Module =>
        typeof v === 'function' && v.prototype instanceof nn.Module && !abstract.has(v) && v.name !== 'Loss',
    );
    expect(exported.length).toBeGreaterThan(30);
    const missing = exported.filter((cls) => !builtInModuleClasses.includes(cls as never)).map((c) => c.name);
    expect(missing).toEqual([]);
  });

  it('rebuilds a network of built-in layers with no class of the user: same print, weights, outputs', async () => {
    manualSeed(1);
    const model = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(4, { momentum: null, eps: 1e-3 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d(2, { stride: 2, ceilMode: true }),
      new nn.Conv1d(4, 4, 1).eval(),
      new nn.AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }),
      new nn.ConvTranspose2d(4, 2, 2, { stride: 2 }),
      new nn.Upsample({ scaleFactor: 0.5, mode: 'bilinear', alignCorners: false }),
      new nn.AdaptiveAvgPool2d([2, null]),
      new nn.Dropout2d(0.25),
      new nn.Flatten(1, -1),
      new nn.LayerNorm(4 * 2 * 2, { eps: 1e-6 }),
      new nn.Linear(16, 8),
      new nn.LeakyReLU(0.2),
      new nn.GELU('tanh'),
      new nn.Identity(),
      new nn.Dropout({ p: 0.1 }),
      new nn.Linear(8, 3, { bias: false }),
      new nn.LogSoftmax(1),
    );
    model.registerModule(
      'extra',
      new nn.ModuleDict({ emb: new nn.Embedding(5, 2, { paddingIdx: 0 }), t: new nn.Tanh() }),
    );
    model.eval();
    const x = tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 3);
    // Conv1d sits in the list only to be saved and rebuilt; it cannot run on the images, so compare without it
    const runnable = (m: nn.Sequential) =>
      new nn.Sequential(...[...m].filter((layer) => !(layer instanceof nn.Conv1d || layer instanceof nn.ModuleDict)));

    await saveModel(model, file('layers.safetensors'));
    const loaded = await loadModel<nn.Sequential>(file('layers.safetensors'));
    expect(loaded).toBeInstanceOf(nn.Sequential);
    expect(loaded.toString()).toBe(model.toString());
    expectSameState(model, loaded);
    expect(loaded.modules().map((m) => m.training)).toEqual(model.modules().map((m) => m.training));
    expect(output(runnable(loaded), x)).toEqual(output(runnable(model), x));
    // PyTorch still reads it as a state dict: the tensors are the state dict and nothing else (in the file's order)
    const { tensors } = await loadSafetensors(file('layers.safetensors'));
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(model.stateDict()).sort());
    tf.dispose(Object.values(tensors));
  });

  it('keeps frozen parameters frozen and each module in its own mode', async () => {
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3), new nn.Linear(3, 1));
    model.at(0).requiresGrad_(false);
    model.at(1).eval();
    await saveModel(model, file('frozen.safetensors'));
    const loaded = await loadModel<nn.Sequential>(file('frozen.safetensors'));
    expect(loaded.namedParameters().map(([n, p]) => [n, p.requiresGrad])).toEqual([
      ['0.weight', false],
      ['0.bias', false],
      ['1.weight', true],
      ['1.bias', true],
      ['2.weight', true],
      ['2.bias', true],
    ]);
    expect(loaded.modules().map((m) => m.training)).toEqual([true, true, false, true]);
  });

  it("rebuilds a registered class of the user's, with the edits made after construction", async () => {
    class Head extends nn.Module {
      fc = new nn.Linear(4, 2);
      forward(x: tf.Tensor): tf.Tensor {
        return this.fc.call(x);
      }
    }
    class MyNet extends nn.Module {
      features: nn.Sequential;
      head: nn.Module;
      numClasses: number;
      labels: string[];
      constructor(options: { numClasses?: number } = {}) {
        super();
        this.numClasses = options.numClasses ?? 2;
        this.labels = ['a', 'b'];
        this.features = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU());
        this.head = new Head();
      }
      forward(x: tf.Tensor): tf.Tensor {
        return (this.head as Head).call(this.features.call(x));
      }
    }
    nn.registerModuleClass(MyNet);
    nn.registerModuleClass(Head);
    const net = new MyNet();
    // the tutorial's edits: a layer appended to a container, a head replaced, a field changed
    net.features.addModule('drop', new nn.Dropout(0.3));
    (net.head as Head).fc = new nn.Linear(4, 5);
    net.numClasses = 5;
    net.labels = ['cat', 'dog', 'ship', 'car', 'frog'];
    await saveModel(net, file('mynet.safetensors'));

    const loaded = await loadModel<MyNet>(file('mynet.safetensors'));
    expect(loaded).toBeInstanceOf(MyNet);
    expect(loaded.numClasses).toBe(5);
    expect(loaded.labels).toEqual(['cat', 'dog', 'ship', 'car', 'frog']);
    expect(loaded.toString()).toBe(net.toString());
    expectSameState(net, loaded);
    net.eval();
    loaded.eval();
    const x = tf.randomNormal([3, 3], 0, 1, 'float32', 5);
    expect(output(loaded, x)).toEqual(output(net, x));
  });

  it('saves constructor arguments given with registerModuleClass, children and classes among them', async () => {
    class Block extends nn.Module {
      conv: nn.Linear;
      constructor(
        readonly width: number,
        readonly shortcut: nn.Module | null = null,
      ) {
        super();
        this.conv = new nn.Linear(width, width);
        if (shortcut) this.registerModule('shortcut', shortcut);
      }
      forward(x: tf.Tensor): tf.Tensor {
        return this.conv.call(x);
      }
    }
    class Stack extends nn.Module {
      blocks: nn.ModuleList<Block>;
      constructor(block: typeof Block, widths: number[]) {
        super();
        this.blocks = new nn.ModuleList(widths.map((w) => new block(w, w > 2 ? new nn.Identity() : null)));
      }
      forward(x: tf.Tensor): tf.Tensor {
        return x;
      }
    }
    nn.registerModuleClass(Block, { args: (m) => [m.width, m.shortcut] });
    nn.registerModuleClass(Stack, { args: (m) => [Block, [...m.blocks].map((b) => b.width)] });
    const model = new Stack(Block, [2, 3, 7]);
    model.blocks.append(new Block(9, new nn.Identity()));
    await saveModel(model, file('stack.safetensors'));
    const loaded = await loadModel<Stack>(file('stack.safetensors'));
    expect([...loaded.blocks].map((b) => b.width)).toEqual([2, 3, 7, 9]);
    expect(loaded.toString()).toBe(model.toString());
    expectSameState(model, loaded);
  });

  it('names a class that is not registered, and what to do', async () => {
    class Unregistered extends nn.Module {
      fc = new nn.Linear(2, 2);
      forward(x: tf.Tensor): tf.Tensor {
        return this.fc.call(x);
      }
    }
    await saveModel(new nn.Sequential(new nn.ReLU(), new Unregistered()), file('unknown.safetensors'));
    const load = loadModel(file('unknown.safetensors'));
    await expect(load).rejects.toThrow(nn.ArchitectureError);
    await expect(loadModel(file('unknown.safetensors'))).rejects.toThrow(
      `${file('unknown.safetensors')}: the model's class 'Unregistered' at '1' is not registered: import the module that defines it and call nn.registerModuleClass(Unregistered) before loadModel`,
    );
  });

  it('says when a constructor needs arguments it was not registered with', async () => {
    class NeedsWidth extends nn.Module {
      fc: nn.Linear;
      constructor(width: number) {
        super();
        if (!Number.isInteger(width)) throw new Error(`width must be an integer, got ${width}`);
        this.fc = new nn.Linear(width, 1);
      }
      forward(x: tf.Tensor): tf.Tensor {
        return this.fc.call(x);
      }
    }
    nn.registerModuleClass(NeedsWidth);
    await saveModel(new NeedsWidth(3), file('needs.safetensors'));
    await expect(loadModel(file('needs.safetensors'))).rejects.toThrow(
      'rebuilding NeedsWidth at (the model) failed: width must be an integer, got undefined; if its constructor needs arguments, register it with nn.registerModuleClass(NeedsWidth, { args: (m) => [...] })',
    );
  });

  it('keeps a module shared by two parents shared', async () => {
    const shared = new nn.Linear(2, 2);
    const model = new nn.Sequential(shared, new nn.ReLU(), shared);
    await saveModel(model, file('shared.safetensors'));
    const loaded = await loadModel<nn.Sequential>(file('shared.safetensors'));
    expect(loaded.at(0)).toBe(loaded.at(2));
    expectSameState(model, loaded);
  });

  it('refuses, before writing, a model whose architecture a file cannot hold', async () => {
    const Anonymous = class extends nn.Module {
      forward(x: tf.Tensor): tf.Tensor {
        return x;
      }
    };
    Object.defineProperty(Anonymous, 'name', { value: '' });
    const path = file('anonymous.safetensors');
    await expect(saveModel(new nn.Sequential(new Anonymous()), path)).rejects.toThrow(
      `${path}: cannot save the model's architecture: the module at '0' is an instance of an anonymous class`,
    );
    await expect(stat(path)).rejects.toThrow('ENOENT');
    const weighted = new nn.Sequential(new nn.CrossEntropyLoss({ weight: tf.tensor1d([1, 2]) }));
    await expect(saveModel(weighted, path)).rejects.toThrow('CrossEntropyLoss with weight cannot be saved');
  });

  it("loads a training checkpoint's model whole, and a checkpoint's model into a given module", async () => {
    manualSeed(2);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    await saveCheckpoint(file('epoch_1.safetensors'), { model, optimizer, epoch: 1 });
    const loaded = await loadModel(file('epoch_1.safetensors'));
    expect(loaded.toString()).toBe(model.toString());
    expectSameState(model, loaded);
    const into = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    expect(await loadModel(into, file('epoch_1.safetensors'))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expectSameState(model, into);
  });

  it('says when a file holds weights only, or a damaged architecture', async () => {
    const model = new nn.Linear(2, 2);
    await saveSafetensors(file('weights.safetensors'), model.stateDict());
    await expect(loadModel(file('weights.safetensors'))).rejects.toThrow(
      `${file('weights.safetensors')}: holds the weights only, no architecture: build the model, then load the weights with loadModel(model, path) or model.load(path)`,
    );
    await saveSafetensors(file('damaged.safetensors'), model.stateDict(), {
      'trainkit.architecture':
        '{"version": 1, "model": {"class": "Linear", "args": [2, 2], "training": true, "children": [{"name": "a.b"}]}}',
    });
    await expect(loadModel(file('damaged.safetensors'))).rejects.toThrow(
      "metadata 'trainkit.architecture': model has a child without a valid name",
    );
    await saveSafetensors(file('mismatch.safetensors'), new nn.Linear(2, 3).stateDict(), {
      'trainkit.architecture': '{"version": 1, "model": {"class": "Linear", "args": [2, 2], "training": true}}',
    });
    await expect(loadModel(file('mismatch.safetensors'))).rejects.toThrow('weight: expected shape [2, 2], got [3, 2]');
    expect((await readFile(file('weights.safetensors'))).length).toBeGreaterThan(0);
  });
});
