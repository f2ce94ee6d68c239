"""Correct: global average pooling written as F.avg_pool2d with the map's own size as the window (as public NiN
code does), dropout before the last mlpconv block."""

import torch.nn as nn
import torch.nn.functional as F


def mlpconv(cin, cout, k, s, p):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, s, p), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 1), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 1), nn.ReLU(inplace=True))


class NiN(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.b1 = mlpconv(3, 96, 11, 4, 0)
        self.b2 = mlpconv(96, 256, 5, 1, 2)
        self.b3 = mlpconv(256, 384, 3, 1, 1)
        self.b4 = mlpconv(384, num_classes, 3, 1, 1)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        x = F.max_pool2d(self.b1(x), 3, 2)
        x = F.max_pool2d(self.b2(x), 3, 2)
        x = F.max_pool2d(self.b3(x), 3, 2)
        x = self.b4(self.drop(x))
        x = F.avg_pool2d(x, kernel_size=x.size()[2:])   # global average pooling
        return x.view(x.size(0), -1)
