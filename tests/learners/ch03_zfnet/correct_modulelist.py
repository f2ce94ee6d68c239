"""Correct: a ModuleList of conv blocks built from a table, pools after the listed blocks, reshape."""

import torch
from torch import nn


class ZFNet(nn.Module):
    SPEC = [(3, 96, 7, 2, 1), (96, 256, 5, 2, 0), (256, 384, 3, 1, 1), (384, 384, 3, 1, 1), (384, 256, 3, 1, 1)]
    POOL_AFTER = {0, 1, 4}

    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Conv2d(i, o, k, stride=s, padding=p), nn.ReLU(inplace=True)) for i, o, k, s, p in self.SPEC
        )
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.fcs = nn.ModuleList([nn.Linear(256 * 6 * 6, 4096), nn.Linear(4096, 4096)])
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(4096, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i in self.POOL_AFTER:
                x = self.pool(x)
        x = x.reshape(x.shape[0], -1)
        for fc in self.fcs:
            x = torch.relu(fc(self.dropout(x)))
        return self.out(x)
