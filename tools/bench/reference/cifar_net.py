"""The CIFAR-10 network of docs/design.md (the tutorial's Tudui), batch 64: SGD(lr 0.01) training steps and
no-grad inference, on synthetic data. See bench_common.py for how to run it."""
import torch
from torch import nn

from bench_common import classifier_steps, main


def make_model():
    return nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10),
    )


def make_steps(batch):
    model = make_model()
    return classifier_steps(model, torch.optim.SGD(model.parameters(), lr=0.01), (3, 32, 32), batch)


if __name__ == '__main__':
    main('cifar_net', make_steps, 64)
