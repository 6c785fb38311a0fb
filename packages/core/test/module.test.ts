import { beforeAll, describe, expect, it } from 'vitest';
import { backward, nn, noGrad, optim, tf, useBackend } from '../src/index.js';

// A minimal affine layer written against the public Module API, so these tests exercise the base class alone.
class Affine extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  constructor(
    readonly inF: number,
    readonly outF: number,
  ) {
    super();
    this.weight = new nn.Parameter(tf.randomUniform([outF, inF], -0.5, 0.5, 'float32', 7));
    this.bias = new nn.Parameter(tf.zeros([outF]));
  }
  forward(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.inF)
      throw new nn.ModuleError(this, `expected input [*, ${this.inF}], got ${nn.formatShape(x.shape)}`);
    return tf.add(tf.matMul(x, this.weight.data, false, true), this.bias.data);
  }
  override extraRepr(): string {
    return `in_features=${this.inF}, out_features=${this.outF}`;
  }
}

class Net extends nn.Module {
  body = new nn.Sequential(new Affine(4, 3), new Affine(3, 2));
  head = new Affine(2, 1);
  _notAChild = new Affine(1, 1);
  constructor() {
    super();
    this.registerBuffer('num_batches_tracked', tf.scalar(0, 'int32'));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.head.call(this.body.call(x));
  }
}

class PlainSGD extends optim.Optimizer<{ lr: number }> {
  constructor(params: Iterable<nn.Parameter>, lr: number) {
    super(params, { lr });
  }
  protected update(p: tf.Tensor, g: tf.Tensor, group: { lr: number }): tf.Tensor {
    return tf.sub(p, tf.mul(g, group.lr));
  }
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('Module', () => {
  it('names parameters, modules and buffers as PyTorch does', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'body.0.weight',
      'body.0.bias',
      'body.1.weight',
      'body.1.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'body', 'body.0', 'body.1', 'head']);
    expect(Object.keys(net.stateDict())).toEqual([
      'num_batches_tracked',
      'body.0.weight',
      'body.0.bias',
      'body.1.weight',
      'body.1.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(net.toString()).toBe(
      'Net(\n  (body): Sequential(\n    (0): Affine(in_features=4, out_features=3)\n    (1): Affine(in_features=3, out_features=2)\n  )\n  (head): Affine(in_features=2, out_features=1)\n)',
    );
  });

  it('switches train/eval everywhere and applies fn children first', () => {
    const net = new Net().eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    const order: string[] = [];
    net.apply((m) => order.push(m.typeName));
    expect(order).toEqual(['Affine', 'Affine', 'Sequential', 'Affine', 'Net']);
  });

  it('names the failing layer and shapes in errors', () => {
    const net = new Net();
    expect(() => net.call(tf.ones([5, 7]))).toThrow("Affine 'body.0': expected input [*, 4], got [5, 7]");
  });

  it('accumulates gradients until zeroGrad, skips frozen parameters, rejects non-scalar losses', () => {
    const net = new Net();
    const x = tf.ones([2, 4]);
    const loss = () => tf.sum(net.call(x));
    net.head.weight.requiresGrad = false;
    const l1 = backward(loss, net.parameters());
    expect(Number.isFinite(l1)).toBe(true);
    expect(net.head.weight.grad).toBeNull();
    const g1 = net.body.at(0).parameters()[0]!.grad!.arraySync() as number[][];
    backward(loss, net.parameters());
    const g2 = net.body.at(0).parameters()[0]!.grad!.arraySync() as number[][];
    expect(g2[0]![0]).toBeCloseTo(2 * g1[0]![0]!, 5);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    expect(() => backward(() => net.call(x), net.parameters())).toThrow(/loss must be a scalar, got shape \[2, 1\]/);
  });

  it('requiresGrad_(false) on a child freezes exactly its parameters, and an optimizer step leaves them unchanged', () => {
    const net = new Net();
    expect(net.body.requiresGrad_(false)).toBe(net.body); // returns the module, as requires_grad_ returns self
    const frozen = net.namedParameters().filter(([, p]) => !p.requiresGrad);
    expect(frozen.map(([name]) => name)).toEqual(['body.0.weight', 'body.0.bias', 'body.1.weight', 'body.1.bias']);
    const before = net.namedParameters().map(([name, p]) => [name, Array.from(p.data.dataSync())] as const);
    new PlainSGD(net.parameters(), 0.1).step(() => tf.sum(net.call(tf.ones([2, 4]))));
    for (const [name, values] of before) {
      const after = Array.from(net.stateDict()[name]!.dataSync());
      if (name.startsWith('body.')) expect(after, name).toEqual(values);
      else expect(after, name).not.toEqual(values);
    }
    net.requiresGrad_(); // the default flag is true, as requires_grad_()
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('steps an optimizer without leaking tensors', () => {
    const net = new Net();
    const opt = new PlainSGD(net.parameters(), 0.1);
    const x = tf.ones([2, 4]);
    const y = tf.zeros([2, 1]);
    const closure = () => tf.mean(tf.square(tf.sub(net.call(x), y)));
    const first = opt.step(closure)!;
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 20; i++) last = opt.step(closure)!;
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);
  });

  it('noGrad disposes intermediates and cuts the tape', () => {
    const net = new Net();
    const x = tf.ones([2, 4]);
    const before = tf.memory().numTensors;
    const out = noGrad(() => net.call(x));
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    // the body's output is computed under noGrad, so only the head gets a gradient
    backward(() => tf.sum(net.head.call(noGrad(() => net.body.call(x)))), net.parameters());
    expect(net.head.weight.grad).not.toBeNull();
    const g = net.body.at(0).parameters()[0]!.grad;
    expect(g === null || (g.abs().max().dataSync()[0] ?? 1) === 0).toBe(true);
  });

  it('loadStateDict lists every offending key and changes nothing then', () => {
    const a = new Net();
    const b = new Net();
    const sd = { ...a.stateDict() };
    delete sd['head.bias'];
    sd['body.0.weight'] = tf.zeros([2, 2]);
    sd.extra = tf.zeros([1]);
    const before = b.stateDict()['body.1.weight']!.arraySync();
    expect(() => b.loadStateDict(sd)).toThrow(
      /body\.0\.weight: expected shape \[3, 4\], got \[2, 2\][\s\S]*head\.bias: missing[\s\S]*extra: unexpected/,
    );
    expect(b.stateDict()['body.1.weight']!.arraySync()).toEqual(before);
    b.loadStateDict(a.stateDict());
    expect(b.stateDict()['body.1.weight']!.arraySync()).toEqual(a.stateDict()['body.1.weight']!.arraySync());
  });
});

describe('ModuleList and ModuleDict', () => {
  it('register their modules under PyTorch names and refuse a forward', () => {
    class Heads extends nn.Module {
      blocks = new nn.ModuleList([new Affine(4, 4), new Affine(4, 4)]);
      heads = new nn.ModuleDict({ cls: new Affine(4, 3), box: new Affine(4, 2) });
      forward(x: tf.Tensor): tf.Tensor {
        let h = x;
        for (const b of this.blocks) h = b.call(h);
        return tf.concat([this.heads.get('cls').call(h), this.heads.get('box').call(h)], 1);
      }
    }
    const m = new Heads();
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.1.weight',
      'blocks.1.bias',
      'heads.cls.weight',
      'heads.cls.bias',
      'heads.box.weight',
      'heads.box.bias',
    ]);
    expect(m.call(tf.ones([2, 4])).shape).toEqual([2, 5]);
    expect(m.blocks.length).toBe(2);
    expect(m.heads.keys()).toEqual(['cls', 'box']);
    expect(() => m.heads.get('seg')).toThrow("ModuleDict: no module 'seg' (has cls, box)");
    expect(() => m.blocks.at(5)).toThrow(/index 5 out of range for 2 modules/);
    expect(() => m.blocks.forward()).toThrow(/ModuleList has no forward/);
    expect(m.toString()).toContain('(blocks): ModuleList(\n    (0): Affine(in_features=4, out_features=4)');
  });

  it('ModuleDict reads its child registry: registerModule adds an entry, delete removes one', () => {
    const heads = new nn.ModuleDict({ cls: new Affine(4, 3) });
    const box = new Affine(4, 2);
    heads.registerModule('box', box);
    expect(heads.keys()).toEqual(['cls', 'box']);
    expect(heads.get('box')).toBe(box);
    expect(heads.size).toBe(2);
    heads.set('cls', new Affine(4, 5));
    expect(heads.keys()).toEqual(['cls', 'box']);
    expect(heads.namedParameters().map(([n, p]) => `${n} ${p.shape}`)).toEqual([
      'cls.weight 5,4',
      'cls.bias 5',
      'box.weight 2,4',
      'box.bias 2',
    ]);
    heads.delete('cls');
    expect(heads.entries()).toEqual([['box', box]]);
    expect(heads.has('cls')).toBe(false);
    expect(() => heads.delete('cls')).toThrow("ModuleDict: no submodule 'cls'");
  });
});
