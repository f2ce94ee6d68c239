"""Correct: the four branches in a ModuleList, computed in a loop; GoogLeNet built from a table with
"M" for the max-pools between stages; x.view(x.size(0), -1)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(c_in, c_out, k, s=1, p=0):
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, s, p), nn.ReLU())


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branches = nn.ModuleList([
            conv(in_channels, ch1x1, 1),
            nn.Sequential(conv(in_channels, ch3x3red, 1), conv(ch3x3red, ch3x3, 3, p=1)),
            nn.Sequential(conv(in_channels, ch5x5red, 1), conv(ch5x5red, ch5x5, 5, p=2)),
            nn.Sequential(nn.MaxPool2d(3, 1, 1), conv(in_channels, pool_proj, 1)),
        ])

    def forward(self, x):
        outs = []
        for branch in self.branches:
            outs.append(branch(x))
        return torch.cat(outs, 1)


TABLE = [
    (192, 64, 96, 128, 16, 32, 32), (256, 128, 128, 192, 32, 96, 64), "M",
    (480, 192, 96, 208, 16, 48, 64), (512, 160, 112, 224, 24, 64, 64), (512, 128, 128, 256, 24, 64, 64),
    (512, 112, 144, 288, 32, 64, 64), (528, 256, 160, 320, 32, 128, 128), "M",
    (832, 256, 160, 320, 32, 128, 128), (832, 384, 192, 384, 48, 128, 128),
]


class GoogLeNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = conv(3, 64, 7, 2, 3)
        self.conv2 = conv(64, 64, 1)
        self.conv3 = conv(64, 192, 3, p=1)
        self.stages = nn.ModuleList(nn.MaxPool2d(3, 2, 1) if row == "M" else Inception(*row) for row in TABLE)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 3, 2, 1)
        x = F.max_pool2d(self.conv3(self.conv2(x)), 3, 2, 1)
        for stage in self.stages:
            x = stage(x)
        x = F.adaptive_avg_pool2d(x, (1, 1))
        x = x.view(x.size(0), -1)
        x = F.dropout(x, 0.4, self.training)
        return self.fc(x)
