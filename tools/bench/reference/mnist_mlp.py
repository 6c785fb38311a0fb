"""The MNIST multilayer perceptron of the tutorials (784-250-100-10 with ReLU), batch 64: Adam(lr 1e-3) training
steps and no-grad inference, on synthetic data. See bench_common.py for how to run it."""
import torch
from torch import nn

from bench_common import main


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
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 1, 28, 28) * 2 - 1
    y = torch.arange(batch) * 7 % 10

    def train():
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()

    def infer():
        model.eval()
        with torch.no_grad():
            model(x).argmax(1)

    return {'train': train, 'infer': infer}


if __name__ == '__main__':
    main('mnist_mlp', make_steps, 64)
