"""Bad input: forward keeps allocating 400 MB tensors and never lets go of them."""

import torch
from torch import nn


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)

    def forward(self, x):
        hoard = []
        while True:
            hoard.append(torch.ones(100_000_000))
