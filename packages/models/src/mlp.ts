import { F, nn, type tf } from '@trainkit/core';

/**
 * Seed 004's multilayer perceptron: 784 → 250 → 100 → 10 with ReLU. forward returns the logits and the second
 * hidden layer's activations h_2, as the tutorial's `return y_pred, h_2` (h_2 is what its PCA plot projects).
 * The fields keep the tutorial's snake_case names, so the state dict (`input_fc.weight`, …) loads into its
 * PyTorch model unchanged.
 */
export class MLP extends nn.Module {
  readonly input_fc: nn.Linear;
  readonly hidden_fc: nn.Linear;
  readonly output_fc: nn.Linear;

  constructor(
    readonly inputDim = 784,
    readonly outputDim = 10,
  ) {
    super();
    this.input_fc = new nn.Linear(inputDim, 250);
    this.hidden_fc = new nn.Linear(250, 100);
    this.output_fc = new nn.Linear(100, outputDim);
  }

  /** x: [N, 1, 28, 28] (or any [N, …] with 784 values per sample) → [logits [N, 10], h_2 [N, 100]] */
  forward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const flat = x.reshape([x.shape[0]!, -1]);
    const h1 = F.relu(this.input_fc.call(flat));
    const h2 = F.relu(this.hidden_fc.call(h1));
    return [this.output_fc.call(h2), h2];
  }
}
