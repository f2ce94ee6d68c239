"""Bad input: __init__ raises (nn.Linear called with one argument)."""

from torch import nn


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.fc1 = nn.Linear(400)

    def forward(self, x):
        return self.fc1(self.conv1(x))
