"""Correct: layers as attributes, F.relu and F.max_pool2d(..., ceil_mode=True) in forward, nn.Dropout
modules, x.view(x.size(0), -1)."""

import torch.nn as nn
import torch.nn.functional as F


class ZFNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.c1 = nn.Conv2d(3, 96, 7, stride=2, padding=1)
        self.c2 = nn.Conv2d(96, 256, 5, stride=2)
        self.c3 = nn.Conv2d(256, 384, 3, padding=1)
        self.c4 = nn.Conv2d(384, 384, 3, padding=1)
        self.c5 = nn.Conv2d(384, 256, 3, padding=1)
        self.drop = nn.Dropout()
        self.f6 = nn.Linear(9216, 4096)
        self.f7 = nn.Linear(4096, 4096)
        self.f8 = nn.Linear(4096, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 3, 2, ceil_mode=True)
        x = F.max_pool2d(F.relu(self.c2(x)), 3, 2, ceil_mode=True)
        x = F.relu(self.c3(x))
        x = F.relu(self.c4(x))
        x = F.max_pool2d(F.relu(self.c5(x)), 3, 2, ceil_mode=True)
        x = x.view(x.size(0), -1)
        x = F.relu(self.f6(self.drop(x)))
        x = F.relu(self.f7(self.drop(x)))
        return self.f8(x)
