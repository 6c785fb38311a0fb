// Sequential runs its registered children in order: against the same layers called one by one through call(), and
// edited as PyTorch's Sequential is (registerModule / addModule, append, insert, set, delete), with the key names
// torch 1.13 gives (checked there: see the comments quoting its _modules keys).
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, manualSeed, nn, optim, tf, useBackend } from '../src/index.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';

function layers(): nn.Module[] {
  manualSeed(7);
  return [
    new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
    new nn.BatchNorm2d(6),
    new nn.ReLU(),
    new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 1, ceilMode: true }),
    new nn.Conv2d(6, 6, 3, { padding: 'same', groups: 6 }),
    new nn.GELU(),
    new nn.AvgPool2d(2, { stride: 1, padding: 1, countIncludePad: false }),
    new nn.Identity(),
    new nn.Conv2d(6, 5, [2, 3], { padding: [1, 0] }),
    new nn.LeakyReLU(0.2),
    new nn.MaxPool2d(2, { dilation: 2 }),
    new nn.Tanh(),
    new nn.Flatten(),
    new nn.Linear(5 * 3, 3),
  ];
}

/** The reference: each layer through call(), NCHW in and out of every layer. */
const layerByLayer = (ls: nn.Module[]) => (x: tf.Tensor) =>
  ls.reduce<tf.Tensor>((h, l) => (l.call as (t: tf.Tensor) => tf.Tensor).call(l, h), x);

function close(a: tf.Tensor, b: tf.Tensor, label: string): void {
  expect(a.shape, label).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < y.length; i++) {
    expect(Math.abs(x[i]! - y[i]!), `${label} element ${i}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(y[i]!));
  }
}

for (const backend of TEST_BACKENDS) {
  describe(`Sequential runs its children in order on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const mode of ['train', 'eval'] as const) {
      it(`${mode}: the same outputs, parameter and input gradients and running statistics as layer-by-layer calls`, () => {
        const fast = new nn.Sequential(...layers());
        const slowLayers = layers();
        const slow = new nn.Sequential(...slowLayers);
        fast[mode]();
        slow[mode]();
        const x = tf.randomNormal([2, 4, 19, 17], 0, 1, 'float32', 5);
        const xFast = new nn.Parameter(x.clone());
        const xSlow = new nn.Parameter(x.clone());
        const before = tf.memory().numTensors;
        const lossFast = backward(() => tf.sum(tf.square(fast.forward(xFast.data))), [...fast.parameters(), xFast]);
        const lossSlow = backward(
          () => tf.sum(tf.square(layerByLayer(slowLayers)(xSlow.data))),
          [...slow.parameters(), xSlow],
        );
        expect(Math.abs(lossFast - lossSlow)).toBeLessThanOrEqual(1e-4 * Math.abs(lossSlow));
        close(xFast.grad!, xSlow.grad!, 'input gradient');
        const pf = fast.namedParameters();
        const ps = slow.namedParameters();
        for (const [i, [name, p]] of pf.entries()) close(p.grad!, ps[i]![1].grad!, `${name} gradient`);
        const bs = slow.namedBuffers();
        for (const [i, [name, b]] of fast.namedBuffers().entries()) close(b, bs[i]![1], name);
        // gradients (one per parameter and the input's) are all that is left
        expect(tf.memory().numTensors - before).toBe(pf.length + ps.length + 2);
        tf.dispose([x]);
        xFast.dispose();
        xSlow.dispose();
        fast.dispose();
        slow.dispose();
      });
    }

    it('calls every child through call(), so that hooks on each one fire in order', () => {
      const model = new nn.Sequential(...layers()).eval();
      const order: string[] = [];
      const handles = model.namedChildren().map(([name, m]) => m.registerForwardHook(() => void order.push(name)));
      const x = tf.randomNormal([2, 4, 19, 17], 0, 1, 'float32', 5);
      const y = model.forward(x);
      expect(order).toEqual(model.namedChildren().map(([name]) => name));
      expect(y.shape).toEqual([2, 3]);
      for (const h of handles) h.remove();
      tf.dispose([x, y]);
      model.dispose();
    });

    it('hooks see NCHW tensors, and a subclass that overrides forward runs its own forward', () => {
      class Doubled extends nn.ReLU {
        override forward(input: tf.Tensor): tf.Tensor {
          return tf.mul(super.forward(input), 2);
        }
      }
      const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new Doubled(), new nn.MaxPool2d(2));
      const seen: number[][] = [];
      model.at(2).registerForwardPreHook((_, inputs) => {
        seen.push((inputs[0] as tf.Tensor).shape);
      });
      const x = tf.randomNormal([1, 3, 8, 8], 0, 1, 'float32', 9);
      const y = model.forward(x);
      const want = tf.maxPool(
        tf.transpose(tf.mul(tf.relu((model.at(0) as nn.Conv2d).forward(x)), 2), [0, 2, 3, 1]) as tf.Tensor4D,
        2,
        2,
        'valid',
      );
      close(y, tf.transpose(want, [0, 3, 1, 2]), 'output');
      expect(seen).toEqual([[1, 4, 6, 6]]);
      model.dispose();
    });

    it("errors name the layer and its NCHW shapes, as the layer's own forward does", () => {
      const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.Conv2d(5, 2, 3), new nn.ReLU());
      const x = tf.zeros([2, 3, 9, 9]);
      expect(() => model.call(x)).toThrow("Conv2d '2': expected input [N, 5, H, W] or [5, H, W], got [2, 4, 7, 7]");
      const small = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.MaxPool2d(5));
      expect(() => small.call(tf.zeros([1, 3, 5, 5]))).toThrow(/MaxPool2d '1'.*input \[1, 4, 3, 3\] is too small/);
      model.dispose();
      small.dispose();
    });
  });
}

/** The container's keys with each child's type, as PyTorch lists `_modules.items()`. */
const entries = (m: nn.Module) => m.namedChildren().map(([key, child]) => `${key}:${child.typeName}`);

describe('Sequential and ModuleList are edited as in PyTorch, through the one child registry', () => {
  beforeAll(async () => {
    await useBackend(TEST_BACKENDS[0]!);
  });

  for (const add of ['registerModule', 'addModule'] as const) {
    it(`${add} appends a layer that forward runs and an optimizer step trains`, () => {
      manualSeed(1);
      const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 4));
      const head = new nn.Linear(4, 1);
      seq[add]('head', head);
      // torch: ['0.weight', '0.bias', '2.weight', '2.bias', 'head.weight', 'head.bias'], output [5, 1]
      expect(Object.keys(seq.stateDict())).toEqual([
        '0.weight',
        '0.bias',
        '2.weight',
        '2.bias',
        'head.weight',
        'head.bias',
      ]);
      expect(seq.parameters()).toContain(head.weight);
      expect(seq.toString()).toContain('(head): Linear(in_features=4, out_features=1, bias=True)\n)');
      const x = tf.randomNormal([5, 2], 0, 1, 'float32', 3);
      const y = seq.forward(x);
      expect(y.shape).toEqual([5, 1]);
      const before = head.weight.data.dataSync().slice();
      const opt = new optim.SGD(seq.parameters(), { lr: 0.5 });
      opt.step(() => tf.sum(tf.square(seq.forward(x))));
      const after = head.weight.data.dataSync();
      expect(Array.from(after).some((v, i) => v !== before[i])).toBe(true);
      tf.dispose([x, y]);
      seq.dispose();
    });
  }

  it("append keys by length, after a named child too (torch: ['0', '1', '2', 'head', '4'])", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 4));
    seq.registerModule('head', new nn.Linear(4, 1));
    seq.append(new nn.Tanh());
    expect(entries(seq)).toEqual(['0:Linear', '1:ReLU', '2:Linear', 'head:Linear', '4:Tanh']);
    expect(seq.length).toBe(5);
    expect([...seq].map((m) => m.typeName)).toEqual(['Linear', 'ReLU', 'Linear', 'Linear', 'Tanh']);
    expect(seq.at(-2)).toBe(seq.at(3));
    seq.dispose();
  });

  it('insert, set and delete renumber as torch 1.13 does, and forward, parameters and print follow', () => {
    manualSeed(2);
    const first = new nn.Linear(2, 3);
    const last = new nn.Linear(3, 4);
    const seq = new nn.Sequential(first, new nn.ReLU(), last);
    seq.insert(1, new nn.Tanh());
    // torch: [('0', Linear), ('1', Tanh), ('2', ReLU), ('3', Linear)]
    expect(entries(seq)).toEqual(['0:Linear', '1:Tanh', '2:ReLU', '3:Linear']);
    seq.insert(-1, new nn.Sigmoid());
    expect(entries(seq)).toEqual(['0:Linear', '1:Tanh', '2:ReLU', '3:Sigmoid', '4:Linear']);
    seq.insert(5, new nn.Identity());
    expect(entries(seq)).toEqual(['0:Linear', '1:Tanh', '2:ReLU', '3:Sigmoid', '4:Linear', '5:Identity']);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '4.weight', '4.bias']);
    seq.delete(1);
    // torch, after del seq[1]: [('0', Linear), ('1', ReLU), ('2', Sigmoid), ('3', Linear), ('4', Identity)]
    expect(entries(seq)).toEqual(['0:Linear', '1:ReLU', '2:Sigmoid', '3:Linear', '4:Identity']);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    const gelu = new nn.GELU();
    seq.set(-1, gelu);
    // torch, after seq[-1] = GELU(): the key '4' and its place stay
    expect(entries(seq)).toEqual(['0:Linear', '1:ReLU', '2:Sigmoid', '3:Linear', '4:GELU']);
    expect(seq.at(4)).toBe(gelu);
    expect(seq.toString()).toBe(
      [
        'Sequential(',
        '  (0): Linear(in_features=2, out_features=3, bias=True)',
        '  (1): ReLU()',
        '  (2): Sigmoid()',
        '  (3): Linear(in_features=3, out_features=4, bias=True)',
        "  (4): GELU(approximate='none')",
        ')',
      ].join('\n'),
    );
    const x = tf.randomNormal([6, 2], 0, 1, 'float32', 4);
    const want = tf.tidy(() => gelu.forward(last.forward(tf.sigmoid(tf.relu(first.forward(x))))));
    const got = seq.forward(x);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    tf.dispose([x, want, got]);
    seq.dispose();
  });

  it('set replaces a layer under the same key: forward, parameters() and stateDict() use the new one', () => {
    manualSeed(3);
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    const old = seq.at(0) as nn.Linear;
    const replacement = new nn.Linear(2, 3);
    seq.set(0, replacement);
    seq.set(1, new nn.Tanh());
    expect(entries(seq)).toEqual(['0:Linear', '1:Tanh']);
    expect(seq.parameters()).toEqual([replacement.weight, replacement.bias!]);
    expect(seq.parameters()).not.toContain(old.weight);
    expect(seq.stateDict()['0.weight']).toBe(replacement.weight.data);
    const x = tf.randomNormal([4, 2], 0, 3, 'float32', 5);
    const want = tf.tidy(() => tf.tanh(replacement.forward(x)));
    const got = seq.forward(x);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    // tanh, not the ReLU it replaced: some outputs are negative
    expect(Array.from(got.dataSync()).some((v) => v < 0)).toBe(true);
    tf.dispose([x, want, got]);
    old.dispose();
    seq.dispose();
  });

  it('a Sequential built from named layers keeps the names, and delete renumbers them all (as torch does)', () => {
    const named = () => new nn.Sequential({ conv: new nn.Linear(2, 2), act: new nn.ReLU(), fc: new nn.Linear(2, 1) });
    const seq = named();
    expect(entries(seq)).toEqual(['conv:Linear', 'act:ReLU', 'fc:Linear']);
    seq.delete(1);
    // torch: ['0', '1']
    expect(entries(seq)).toEqual(['0:Linear', '1:Linear']);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    const kept = named();
    kept.append(new nn.Tanh());
    // str(len) as torch's append gives (torch, on Sequential(conv, act): ['conv', 'act', '2'])
    expect(entries(kept)).toEqual(['conv:Linear', 'act:ReLU', 'fc:Linear', '3:Tanh']);
    // torch raises KeyError '1' half-way through the shift; here nothing moves
    expect(() => kept.insert(0, new nn.Identity())).toThrow(
      'Sequential.insert: expected the keys from 0 on to be positions, got conv, act, fc, 3',
    );
    expect(entries(kept)).toEqual(['conv:Linear', 'act:ReLU', 'fc:Linear', '3:Tanh']);
    seq.dispose();
    kept.dispose();
  });

  it('refuses indices out of range, as torch does (IndexError)', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    expect(() => seq.insert(3, new nn.Tanh())).toThrow('Sequential.insert: index 3 out of range for 2 modules');
    expect(() => seq.insert(-3, new nn.Tanh())).toThrow('Sequential.insert: index -3 out of range for 2 modules');
    expect(() => seq.at(2)).toThrow('Sequential: index 2 out of range for 2 modules');
    expect(() => seq.set(-3, new nn.Tanh())).toThrow('Sequential: index -3 out of range for 2 modules');
    expect(() => seq.delete(2)).toThrow('Sequential: index 2 out of range for 2 modules');
    expect(entries(seq)).toEqual(['0:Linear', '1:ReLU']);
    seq.dispose();
  });

  it('ModuleList: insert, delete, set, extend and pop give torch 1.13 keys', () => {
    const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.ReLU(), new nn.Tanh()]);
    list.insert(1, new nn.Sigmoid());
    // torch: [('0', Linear), ('1', Sigmoid), ('2', ReLU), ('3', Tanh)]
    expect(entries(list)).toEqual(['0:Linear', '1:Sigmoid', '2:ReLU', '3:Tanh']);
    list.delete(0);
    // torch: [('0', Sigmoid), ('1', ReLU), ('2', Tanh)]
    expect(entries(list)).toEqual(['0:Sigmoid', '1:ReLU', '2:Tanh']);
    expect(list.parameters()).toEqual([]);
    list.set(1, new nn.GELU());
    // torch: [('0', Sigmoid), ('1', GELU), ('2', Tanh)]
    expect(entries(list)).toEqual(['0:Sigmoid', '1:GELU', '2:Tanh']);
    list.extend([new nn.Identity()]);
    expect(entries(list)).toEqual(['0:Sigmoid', '1:GELU', '2:Tanh', '3:Identity']);
    const popped = list.pop(-1);
    expect(popped.typeName).toBe('Identity');
    expect(entries(list)).toEqual(['0:Sigmoid', '1:GELU', '2:Tanh']);
    list.append(new nn.Linear(2, 2));
    expect(Object.keys(list.stateDict())).toEqual(['3.weight', '3.bias']);
    list.dispose();
  });
});
