"""Bad input: forward hoards 1 GB tensors. Past a cap under 1 GB its first allocation fails at once, with no
page written: the memory verdict comes in the same time on an idle machine and on a loaded one."""

import torch
from torch import nn


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)

    def forward(self, x):
        hoard = []
        while True:
            hoard.append(torch.ones(250_000_000))
