"""Defect: one row of the paper's Table 1 copied wrong: inception 4c's pool_proj is 32 instead of 64, so
4c outputs 480 channels and 4d, built for 512, cannot take them (the forward pass raises there)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

# in_channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj
TABLE = {
    "3a": (192, 64, 96, 128, 16, 32, 32),
    "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64),
    "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 32),
    "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128),
    "5a": (832, 256, 160, 320, 32, 128, 128),
    "5b": (832, 384, 192, 384, 48, 128, 128),
}


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.p1 = nn.Conv2d(in_channels, ch1x1, 1)
        self.p2_1 = nn.Conv2d(in_channels, ch3x3red, 1)
        self.p2_2 = nn.Conv2d(ch3x3red, ch3x3, 3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, ch5x5red, 1)
        self.p3_2 = nn.Conv2d(ch5x5red, ch5x5, 5, padding=2)
        self.p4_2 = nn.Conv2d(in_channels, pool_proj, 1)

    def forward(self, x):
        p1 = F.relu(self.p1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(F.max_pool2d(x, 3, stride=1, padding=1)))
        return torch.cat((p1, p2, p3, p4), dim=1)


class GoogLeNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3)
        self.conv2 = nn.Conv2d(64, 64, 1)
        self.conv3 = nn.Conv2d(64, 192, 3, padding=1)
        self.blocks = nn.ModuleDict({name: Inception(*row) for name, row in TABLE.items()})
        self.fc = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(0.4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 3, stride=2, padding=1)  # N x 64 x 56 x 56
        x = F.relu(self.conv3(F.relu(self.conv2(x))))
        x = F.max_pool2d(x, 3, stride=2, padding=1)  # N x 192 x 28 x 28
        for name, block in self.blocks.items():
            x = block(x)
            if name in ("3b", "4e"):
                x = F.max_pool2d(x, 3, stride=2, padding=1)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)  # N x 1024
        return self.fc(self.dropout(x))
