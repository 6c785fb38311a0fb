import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, nn, tf, useBackend } from '@trainkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun, SummaryWriter } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tk-graph-'));
beforeAll(() => useBackend('cpu'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The MNIST tutorial's MLP (@trainkit/test-models) made small, with a longer chain of plain ops: its forward makes
 * tensors outside any submodule (reshape, F.relu, mul).
 */
class MLP extends nn.Module {
  readonly input_fc = new nn.Linear(784, 25);
  readonly hidden_fc = new nn.Linear(25, 10);
  readonly output_fc = new nn.Linear(10, 3);

  forward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const flat = x.reshape([x.shape[0]!, -1]);
    // a chain of plain ops no module sees: only a scope around the whole pass frees the inner one
    const h1 = F.relu(F.relu(this.input_fc.call(flat)).mul(2));
    const h2 = F.relu(this.hidden_fc.call(h1));
    return [this.output_fc.call(h2), h2];
  }
}

describe('addGraph of a @trainkit/core module', () => {
  it('frees every tensor of the traced forward pass, also those made outside submodules, and not the input', async () => {
    const model = new MLP();
    const x = tf.zeros([2, 1, 28, 28]);
    const writer = new SummaryWriter(join(root, 'mlp'));
    const before = tf.memory().numTensors;
    writer.addGraph(model, x);
    writer.addGraph(model, x);
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    expect(model.training).toBe(true); // traced in eval mode, then put back
    await writer.close();
    const graph = (await loadRun(join(root, 'mlp'))).graph!;
    const node = (name: string) => graph.node.find((n) => n.name === name);
    // the relu between input_fc and hidden_fc was returned by no module: linked to the latest call
    expect(node('MLP/Linear[hidden_fc]/Linear')?.input).toContain('MLP/Linear[input_fc]/Linear');
    expect(node('output/output.0')?.input).toEqual(['MLP/Linear[output_fc]/Linear']);
    expect(node('MLP/Linear[input_fc]/Linear')?.attr?._output_shapes).toBeDefined();
    x.dispose();
    model.dispose();
  });

  it('frees the tensors of a forward pass that throws', () => {
    class Broken extends nn.Module {
      readonly fc = new nn.Linear(4, 4);
      forward(x: tf.Tensor): tf.Tensor {
        F.relu(this.fc.call(x.reshape([1, 4])));
        throw new Error('broken forward');
      }
    }
    const model = new Broken();
    const x = tf.ones([4]);
    const writer = new SummaryWriter(join(root, 'broken'));
    const before = tf.memory().numTensors;
    expect(() => writer.addGraph(model, x)).toThrow('broken forward');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
    return writer.close();
  });

  it('without a traceScope, frees the tensors modules return', () => {
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(16, 8), new nn.ReLU(), new nn.Linear(8, 2));
    const x = tf.ones([3, 1, 4, 4]);
    const writer = new SummaryWriter(join(root, 'sequential'));
    const before = tf.memory().numTensors;
    writer.addGraph(model, x);
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    x.dispose();
    model.dispose();
    return writer.close();
  });
});
