import { beforeAll, describe, expect, it } from 'vitest';
import { F, nn, tf, useBackend } from '../src/index.js';
import { expectClose, type JsonTensor, loadFixture, TEST_BACKENDS, toTensor } from './helpers/fixtures.js';

interface LossCase {
  name: string;
  loss: 'L1Loss' | 'MSELoss' | 'CrossEntropyLoss' | 'NLLLoss' | 'BCELoss' | 'BCEWithLogitsLoss';
  reduction: nn.Reduction;
  options: Record<string, JsonTensor | number>;
  input: JsonTensor;
  target: JsonTensor;
  output: JsonTensor;
  grad: JsonTensor;
}

const fixture = loadFixture<LossCase[]>('losses');
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function build(c: LossCase): nn.Loss {
  const options: Record<string, unknown> = { reduction: c.reduction };
  for (const [k, v] of Object.entries(c.options)) options[camel(k)] = typeof v === 'number' ? v : toTensor(v);
  const loss = new nn[c.loss](options);
  for (const v of Object.values(options)) if (v instanceof tf.Tensor) v.dispose();
  return loss;
}

for (const backend of TEST_BACKENDS) {
  describe(`losses on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('match PyTorch 1.13: output and input gradient for every loss, reduction and option set', () => {
      expect(fixture.cases.length).toBeGreaterThan(100);
      for (const c of fixture.cases) {
        const label = `${c.loss} ${c.name}`;
        const loss = build(c);
        const x = toTensor(c.input);
        const y = toTensor(c.target);
        const out = loss.forward(x, y);
        const long = c.input.data.length > 20;
        expectClose(out, c.output, { rtol: long ? 1e-4 : 1e-5, label: `${label} output` });
        const grad = tf.grad((xi: tf.Tensor) => tf.sum(loss.forward(xi, y)))(x);
        expectClose(grad, c.grad, { rtol: long ? 1e-4 : 1e-5, label: `${label} grad` });
        tf.dispose([x, y, out, grad]);
        loss.dispose();
      }
    });

    it("gives the issue's values: L1 sum 2.0, MSE mean 1.3333, CrossEntropy 1.1019", () => {
      const x = tf.tensor([1, 2, 3]);
      const y = tf.tensor([1, 2, 5]);
      expect(new nn.L1Loss({ reduction: 'sum' }).forward(x, y).dataSync()[0]).toBeCloseTo(2.0, 6);
      expect(new nn.MSELoss().forward(x, y).dataSync()[0]).toBeCloseTo(4 / 3, 5);
      const ce = new nn.CrossEntropyLoss().forward(tf.tensor([[0.1, 0.2, 0.3]]), tf.tensor([1], undefined, 'int32'));
      expect(ce.shape).toEqual([]);
      expect(ce.dataSync()[0]).toBeCloseTo(1.1019, 4);
    });

    it('functional forms compute what the modules compute', () => {
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
      const p = tf.sigmoid(x);
      const t = tf.randomUniform([4, 3], 0, 1, 'float32', 2);
      const y = tf.tensor([0, 2, 1, -100], undefined, 'int32');
      const w = tf.tensor([0.5, 1, 2]);
      const pairs: [tf.Tensor, tf.Tensor][] = [
        [F.l1Loss(x, t, { reduction: 'sum' }), new nn.L1Loss({ reduction: 'sum' }).forward(x, t)],
        [F.mseLoss(x, t), new nn.MSELoss().forward(x, t)],
        [
          F.crossEntropy(x, y, { weight: w, labelSmoothing: 0.1 }),
          new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 }).forward(x, y),
        ],
        [F.nllLoss(tf.logSoftmax(x), y, { weight: w }), new nn.NLLLoss({ weight: w }).forward(tf.logSoftmax(x), y)],
        [F.binaryCrossEntropy(p, t, { weight: w }), new nn.BCELoss({ weight: w }).forward(p, t)],
        [
          F.binaryCrossEntropyWithLogits(x, t, { posWeight: w }),
          new nn.BCEWithLogitsLoss({ posWeight: w }).forward(x, t),
        ],
      ];
      for (const [a, b] of pairs) expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      // CrossEntropy = NLL of the log-softmax (a check independent of the fixtures)
      const ce = F.crossEntropy(x, y, { reduction: 'none' }).dataSync();
      const nll = F.nllLoss(tf.logSoftmax(x), y, { reduction: 'none' }).dataSync();
      for (let i = 0; i < 4; i++) expect(ce[i]).toBeCloseTo(nll[i]!, 6);
      expect(Math.abs(ce[3]!)).toBe(0);
    });

    it('disposes every intermediate tensor, in forward and in backward', () => {
      const x = tf.randomNormal([8, 5], 0, 1, 'float32', 3);
      const y = tf.tensor([0, 1, 2, 3, 4, 0, -100, 2], undefined, 'int32');
      const t = tf.randomUniform([8, 5], 0, 1, 'float32', 4);
      const losses: [nn.Loss, tf.Tensor, tf.Tensor][] = [
        [new nn.CrossEntropyLoss({ weight: tf.ones([5]), labelSmoothing: 0.1 }), x, y],
        [new nn.CrossEntropyLoss(), x, tf.softmax(t)],
        [new nn.NLLLoss(), x, y],
        [new nn.L1Loss(), x, t],
        [new nn.MSELoss(), x, t],
        [new nn.BCELoss({ weight: tf.ones([5]) }), tf.sigmoid(x), t],
        [new nn.BCEWithLogitsLoss({ posWeight: tf.ones([5]) }), x, t],
      ];
      for (const [loss, input, target] of losses) {
        const before = tf.memory().numTensors;
        loss.forward(input, target).dispose();
        tf.grad((xi: tf.Tensor) => loss.forward(xi, target))(input).dispose();
        expect(tf.memory().numTensors, loss.typeName).toBe(before);
      }
    });
  });
}

describe('loss modules', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('print like PyTorch and keep weights as state-dict buffers', () => {
    expect(new nn.CrossEntropyLoss().toString()).toBe('CrossEntropyLoss()');
    expect(new nn.MSELoss({ reduction: 'sum' }).toString()).toBe('MSELoss()');
    const w = tf.tensor([1, 2, 3]);
    const ce = new nn.CrossEntropyLoss({ weight: w });
    w.dispose(); // the module keeps its own copy
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(Array.from(ce.weight!.dataSync())).toEqual([1, 2, 3]);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    const bce = new nn.BCEWithLogitsLoss({ posWeight: tf.tensor([2]) });
    expect(Object.keys(bce.stateDict())).toEqual(['pos_weight']);
    expect(new nn.NLLLoss().reduction).toBe('mean');
  });

  it('rejects a bad reduction or label smoothing', () => {
    expect(() => new nn.MSELoss({ reduction: 'avg' as never })).toThrow(
      "MSELoss: reduction must be 'none', 'mean' or 'sum', got 'avg'",
    );
    expect(() => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 })).toThrow(
      'CrossEntropyLoss: labelSmoothing must be in [0, 1], got 1.5',
    );
  });

  it('names the loss and both shapes when the batch sizes differ', () => {
    const ce = new nn.CrossEntropyLoss();
    expect(() => ce.forward(tf.zeros([3, 5]), tf.zeros([4], 'int32'))).toThrow(
      'CrossEntropyLoss: target batch size 4 does not match input batch size 3 (input [3, 5], target [4])',
    );
    expect(() => ce.forward(tf.zeros([2, 5, 4]), tf.zeros([2, 3], 'int32'))).toThrow(
      'CrossEntropyLoss: expected target [2, 4] (input [2, 5, 4], target [2, 3])',
    );
    expect(() => new nn.MSELoss().forward(tf.zeros([3, 2]), tf.zeros([3]))).toThrow(
      "MSELoss: expected target of the input's shape [3, 2], got [3]",
    );
    expect(() => F.binaryCrossEntropyWithLogits(tf.zeros([3, 2]), tf.zeros([2, 3]))).toThrow(
      "binaryCrossEntropyWithLogits: expected target of the input's shape [3, 2], got [2, 3]",
    );
    expect(() => F.crossEntropy(tf.zeros([3, 5]), tf.zeros([3, 4]))).toThrow(
      "crossEntropy: probability targets (float32) must have the input's shape; for class indices pass an int32 target (input [3, 5], target [3, 4])",
    );
  });

  it('rejects targets outside [0, C) unless they are ignoreIndex', () => {
    const ce = new nn.CrossEntropyLoss();
    const x = tf.zeros([4, 5]);
    expect(() => ce.forward(x, tf.tensor([0, 5, 1, 1], undefined, 'int32'))).toThrow(
      'CrossEntropyLoss: target 5 is out of bounds: expected class indices in [0, 5) or ignoreIndex -100 (input [4, 5], target [4])',
    );
    expect(() => ce.forward(x, tf.tensor([0, -1, 1, 1], undefined, 'int32'))).toThrow('target -1 is out of bounds');
    expect(() => ce.forward(x, tf.tensor([0, -100, 4, 1], undefined, 'int32'))).not.toThrow();
    expect(() => new nn.NLLLoss({ ignoreIndex: 7 }).forward(x, tf.tensor([7, 9, 0, 0], undefined, 'int32'))).toThrow(
      'NLLLoss: target 9 is out of bounds: expected class indices in [0, 5) or ignoreIndex 7',
    );
  });

  it('rejects wrong dtypes and weights of the wrong size', () => {
    expect(() => new nn.NLLLoss().forward(tf.zeros([2, 3]), tf.zeros([2]))).toThrow(
      'NLLLoss: expected class-index targets of dtype int32, got float32 (target [2])',
    );
    expect(() => new nn.CrossEntropyLoss().forward(tf.zeros([2, 3]), tf.zeros([2], 'bool'))).toThrow(
      'CrossEntropyLoss: expected a target of int32 class indices or float32 probabilities, got bool',
    );
    expect(() => new nn.MSELoss().forward(tf.zeros([2]), tf.zeros([2], 'int32'))).toThrow(
      'MSELoss: expected target of dtype float32, got int32',
    );
    expect(() =>
      new nn.CrossEntropyLoss({ weight: tf.ones([4]) }).forward(tf.zeros([2, 3]), tf.zeros([2], 'int32')),
    ).toThrow('CrossEntropyLoss: expected a float32 weight of shape [3] (one per class), got float32 [4]');
    expect(() => new nn.BCELoss({ weight: tf.ones([4]) }).forward(tf.zeros([2, 3]), tf.zeros([2, 3]))).toThrow(
      "BCELoss: weight of shape [4] does not broadcast to the input's shape [2, 3]",
    );
  });

  it('stays finite for huge logits (stable log-softmax and logits form)', () => {
    const x = tf.tensor([[1e4, -1e4, 0]]);
    const ce = new nn.CrossEntropyLoss().forward(x, tf.tensor([1], undefined, 'int32')).dataSync()[0]!;
    expect(ce).toBeCloseTo(2e4, 0);
    const bce = F.binaryCrossEntropyWithLogits(tf.tensor([1e4, -1e4]), tf.tensor([0, 1]), {
      reduction: 'sum',
    }).dataSync()[0]!;
    expect(bce).toBeCloseTo(2e4, 0);
  });
});
