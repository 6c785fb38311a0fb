"""The MNIST multilayer perceptron of the tutorials (784-250-100-10 with ReLU), batch 64: Adam(lr 1e-3) training
steps and no-grad inference, on synthetic data. See bench_common.py for how to run it."""
import torch
from torch import nn

from bench_common import classifier_steps, main


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_fc = nn.Linear(784, 250)
        self.hidden_fc = nn.Linear(250, 100)
        self.output_fc = nn.Linear(100, 10)

    def forward(self, x):
        h1 = torch.relu(self.input_fc(x.view(x.shape[0], -1)))
        h2 = torch.relu(self.hidden_fc(h1))
        return self.output_fc(h2)


def make_steps(batch):
    model = MLP()
    return classifier_steps(model, torch.optim.Adam(model.parameters(), lr=1e-3), (1, 28, 28), batch)


if __name__ == '__main__':
    main('mnist_mlp', make_steps, 64)
