"""Correct: a ModuleList of mlpconv blocks, pools and Dropout applied in forward, global average pooling
with F.adaptive_avg_pool2d and x.view(x.size(0), -1)."""

import torch.nn as nn
import torch.nn.functional as F


class MlpConv(nn.Module):
    def __init__(self, c_in, c_out, k, s=1, p=0):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, s, p)
        self.mlp1 = nn.Conv2d(c_out, c_out, 1)
        self.mlp2 = nn.Conv2d(c_out, c_out, 1)

    def forward(self, x):
        return F.relu(self.mlp2(F.relu(self.mlp1(F.relu(self.conv(x))))))


class NiN(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.blocks = nn.ModuleList([
            MlpConv(3, 96, 11, s=4),
            MlpConv(96, 256, 5, p=2),
            MlpConv(256, 384, 3, p=1),
            MlpConv(384, num_classes, 3, p=1),
        ])
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            if i == 3:
                x = self.dropout(x)
            x = block(x)
            if i < 3:
                x = F.max_pool2d(x, kernel_size=3, stride=2)
        x = F.adaptive_avg_pool2d(x, 1)
        return x.view(x.size(0), -1)
