"""Bad input: an endless loop in forward."""

from torch import nn


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)

    def forward(self, x):
        while True:
            x = x + 0
