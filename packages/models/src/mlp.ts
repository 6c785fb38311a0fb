import { F, nn, type tf } from '@trainkit/core';
import { numClassesOf } from './classifier-options.js';

export interface MLPOptions {
  /** values per sample (784 for 28×28 images) */
  inputDim?: number;
  /** the size of the output layer, the tutorial's output_dim (10) */
  numClasses?: number;
}

/**
 * Seed 004's multilayer perceptron: 784 → 250 → 100 → 10 with ReLU. forward returns the logits and the second
 * hidden layer's activations h_2, as the tutorial's `return y_pred, h_2` (h_2 is what its PCA plot projects).
 * The fields keep the tutorial's snake_case names, so the state dict (`input_fc.weight`, …) loads into its
 * PyTorch model unchanged. Built as the tutorial's `MLP(input_dim, output_dim)` or with options.
 */
export class MLP extends nn.Module {
  readonly input_fc: nn.Linear;
  readonly hidden_fc: nn.Linear;
  readonly output_fc: nn.Linear;
  readonly inputDim: number;
  readonly outputDim: number;

  constructor(inputDim: number | MLPOptions = 784, outputDim = 10) {
    super();
    const o: MLPOptions = typeof inputDim === 'number' ? { inputDim, numClasses: outputDim } : inputDim;
    this.inputDim = o.inputDim ?? 784;
    if (!Number.isInteger(this.inputDim) || this.inputDim < 1)
      throw new Error(`MLP: inputDim must be a positive integer, got ${this.inputDim}`);
    this.outputDim = numClassesOf('MLP', o, 10);
    this.input_fc = new nn.Linear(this.inputDim, 250);
    this.hidden_fc = new nn.Linear(250, 100);
    this.output_fc = new nn.Linear(100, this.outputDim);
  }

  /** x: [N, 1, 28, 28] (or any [N, …] with inputDim values per sample) → [logits [N, numClasses], h_2 [N, 100]] */
  forward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const flat = x.reshape([x.shape[0]!, -1]);
    const h1 = F.relu(this.input_fc.call(flat));
    const h2 = F.relu(this.hidden_fc.call(h1));
    return [this.output_fc.call(h2), h2];
  }
}
