import { inspect } from 'node:util';
import { nn, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { summary } from '../src/index.js';
import { ListNet, Scaled, ToyLinear, Twice } from './helpers/toy-modules.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const rows = (s: string) => s.split('\n');
/** One table row as torchinfo's format_row writes it: f"{name:<40} " then f"{value:<25} " per column, rstripped. */
const row = (name: string, ...cols: string[]) =>
  `${name.padEnd(40)} ${cols.map((c) => `${c.padEnd(25)} `).join('')}`.trimEnd();

describe('summary on unusual module structures', () => {
  it('shows a module called twice once with its parameters and then as (recursive), counting both calls', () => {
    const stats = summary(new Twice(), { inputSize: [2, 4] });
    const text = stats.toString();
    expect(rows(text).slice(3, 6)).toEqual([
      'Twice                                    [2, 4]                    --',
      '├─ToyLinear: 1-1                         [2, 4]                    20',
      '├─ToyLinear: 1-2                         [2, 4]                    (recursive)',
    ]);
    expect(stats.totalParams).toBe(20);
    // each call: 20 parameters used once per output row (2 rows)
    expect(stats.totalMultAdds).toBe(2 * 40);
    // outputs of both calls, 8 floats each, ×2 for gradients
    expect(stats.totalOutputBytes).toBe(2 * 8 * 4 * 2);
  });

  it('inserts a ModuleList that is iterated rather than called, with its children nested under it', () => {
    const text = summary(new ListNet(), { inputSize: [1, 2], rowSettings: ['depth', 'var_names'] }).toString();
    expect(rows(text)[1]).toBe('Layer (type (var_name):depth-idx)        Output Shape              Param #');
    expect(rows(text).slice(3, 7)).toEqual([
      'ListNet (ListNet)                        [1, 2]                    --',
      '├─ModuleList (blocks): 1-1               --                        --',
      '│    └─ToyLinear (0): 2-1                [1, 3]                    9',
      '│    └─ToyLinear (1): 2-2                [1, 2]                    8',
    ]);
  });

  it('draws the tree in ASCII with ascii_only', () => {
    const text = summary(new ListNet(), { inputSize: [1, 2], rowSettings: ['ascii_only', 'depth'] }).toString();
    expect(rows(text)[4]).toMatch(/^\+ ModuleList: 1-1 /);
    expect(rows(text)[5]).toMatch(/^\| {4}\+ ToyLinear: 2-1 /);
  });

  it('puts frozen parameters in parentheses, reports them as non-trainable and the owner as Partial', () => {
    const model = new Scaled();
    model.scale.requiresGrad = false;
    const frozen = new Scaled();
    frozen.requiresGrad_(false);
    const stats = summary(model, {
      inputSize: [2, 3],
      colNames: ['num_params', 'params_percent', 'mult_adds', 'trainable'],
    });
    const text = stats.toString();
    // the container's own parameter (scale, 3) is its leftover; its share of 15 is 20%
    expect(rows(text)[3]).toBe(row('Scaled', '3', ' 20.00%', '--', 'Partial'));
    expect(rows(text)[4]).toBe(row('├─ToyLinear: 1-1', '12', ' 80.00%', '24', 'True'));
    expect(stats.totalParams).toBe(15);
    expect(stats.trainableParams).toBe(12);
    expect(text).toContain('\nNon-trainable params: 3\n');
    const all = summary(frozen, { inputSize: [2, 3], colNames: ['num_params', 'trainable'] }).toString();
    expect(rows(all)[4]).toBe(row('├─ToyLinear: 1-1', '(12)', 'False'));
    expect(all).toContain('\nTrainable params: 0\nNon-trainable params: 15\n');
  });

  it('sums children into the last shown level when depth cuts the tree', () => {
    const text = summary(new ListNet(), {
      inputSize: [1, 2],
      depth: 1,
      colNames: ['num_params', 'mult_adds'],
    }).toString();
    expect(rows(text).slice(3, 6)).toEqual([
      'ListNet                                  --                        --',
      '├─ModuleList: 1-1                        17                        --',
      '='.repeat(40 + 2 * 25),
    ]);
  });

  it('lists weight and bias rows with verbose = 2, weights as [in, out]', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const text = summary(new ToyLinear(5, 7), {
      inputSize: [3, 5],
      verbose: 2,
      colNames: ['kernel_size', 'output_size', 'num_params', 'mult_adds'],
    }).toString();
    const verbose = rows(text).slice(3, 6);
    expect(verbose).toEqual([
      row('ToyLinear', '--', '[3, 7]', '42', '126'),
      row('├─weight', '[5, 7]', '', '├─35'),
      row('├─bias', '[7]', '', '└─7'),
    ]);
    expect(log).toHaveBeenCalledWith(text);
    log.mockRestore();
  });

  it('counts parameters only, without a forward pass, when no input is given', () => {
    const stats = summary(new ListNet());
    const text = stats.toString();
    expect(rows(text)[1]).toBe('Layer (type:depth-idx)                   Param #');
    expect(text).not.toContain('Mult-adds');
    expect(text).toContain('Total params: 17\n');
    expect(stats.summaryList.map(String)).toEqual(['ListNet: 0', 'ModuleList: 1', 'ToyLinear: 2', 'ToyLinear: 2']);
  });

  it('widens the name column for long names in steps of 5', () => {
    class AVeryLongModuleNameThatNeedsMoreRoomThanForty extends nn.Module {
      forward(x: tf.Tensor) {
        return x;
      }
    }
    const stats = summary(new AVeryLongModuleNameThatNeedsMoreRoomThanForty(), { inputSize: [1] });
    // 45 characters + indent 1 = 46 → 50
    expect(stats.formatting.layerNameWidth).toBe(50);
    expect(rows(stats.toString())[0]).toHaveLength(50 + 2 * 25);
  });

  it('restores each module’s mode, removes its hooks, and keeps tensors from leaking', () => {
    const model = new ListNet();
    model.train();
    model.blocks.at(1).eval();
    const before = tf.memory().numTensors;
    summary(model, { inputSize: [4, 2], mode: 'eval' });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(model.blocks.at(1).training).toBe(false);
    let calls = 0;
    model.blocks.at(0).registerForwardHook(() => {
      calls++;
    });
    (model.call as (x: tf.Tensor) => tf.Tensor).call(model, tf.zeros([1, 2])).dispose();
    expect(calls).toBe(1);
  });

  it('reports the layers run before a failing forward pass', () => {
    expect(() => summary(new ListNet(), { inputSize: [1, 5] })).toThrow(
      /forward pass failed[\s\S]*Executed layers up to: \[\]/,
    );
    expect(() => summary(new ListNet(), { inputSize: [1, 2], inputData: tf.zeros([1, 2]) })).toThrow(/only one of/);
    expect(() => summary(new ListNet(), { colNames: ['output_size'] })).toThrow(/need inputSize or inputData/);
  });

  it('takes input tensors with inputData and reports their size', () => {
    const x = tf.zeros([10, 2]);
    const stats = summary(new ListNet(), { inputData: x });
    expect(stats.inputSize).toEqual([[10, 2]]);
    expect(stats.totalInput).toBe(80);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('hides reused modules with hide_recursive_layers', () => {
    const text = summary(new Twice(), {
      inputSize: [2, 4],
      rowSettings: ['depth', 'hide_recursive_layers'],
    }).toString();
    expect(text).not.toContain('(recursive)');
    expect(text).toContain('├─ToyLinear: 1-1');
  });

  it('creates inputs of the given dtypes', () => {
    class Dtype extends nn.Module {
      seen: string[] = [];
      forward(a: tf.Tensor, b: tf.Tensor) {
        this.seen = [a.dtype, b.dtype];
        return tf.add(tf.cast(a, 'float32'), b);
      }
    }
    const model = new Dtype();
    const stats = summary(model, {
      inputSize: [
        [2, 3],
        [2, 3],
      ],
      dtypes: ['int32', 'float32'],
    });
    expect(model.seen).toEqual(['int32', 'float32']);
    expect(stats.inputSize).toEqual([
      [2, 3],
      [2, 3],
    ]);
    expect(stats.totalInput).toBe(2 * 6 * 4);
  });

  it('inserts a size-1 batch dimension with batchDim', () => {
    const stats = summary(new ListNet(), { inputSize: [2], batchDim: 0, colNames: ['input_size', 'output_size'] });
    expect(rows(stats.toString())[5]).toBe(row('│    └─ToyLinear: 2-1', '[1, 2]', '[1, 3]'));
  });

  it('prints the table with verbose = 1 and through console.log / util.inspect', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const stats = summary(new Twice(), { inputSize: [2, 4], verbose: 1 });
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0]?.[0]).toBe(stats.toString());
      expect(inspect(stats)).toBe(stats.toString());
      summary(new Twice(), { inputSize: [2, 4] });
      expect(log).toHaveBeenCalledTimes(1);
    } finally {
      log.mockRestore();
    }
  });

  it('serialises to JSON with totals and per-layer records', () => {
    const json = summary(new Twice(), { inputSize: [2, 4] }).toJSON();
    expect(json.totalParams).toBe(20);
    expect(json.layers.map((l) => [l.name, l.isRecursive, l.outputSize])).toEqual([
      ['Twice', false, [2, 4]],
      ['ToyLinear: 1-1', false, [2, 4]],
      ['ToyLinear: 1-2', true, [2, 4]],
    ]);
    expect(JSON.parse(JSON.stringify(json)).estimatedTotalBytes).toBe(json.estimatedTotalBytes);
  });
});
