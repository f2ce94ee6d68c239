"""Correct: one attribute per convolution, F.relu and F.max_pool2d in forward, every module written out."""

import torch
from torch import nn
from torch.nn import functional as F


class Inception(nn.Module):
    def __init__(self, in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_planes):
        super().__init__()
        self.p1 = nn.Conv2d(in_channels, n1x1, 1)
        self.p2_1 = nn.Conv2d(in_channels, n3x3red, 1)
        self.p2_2 = nn.Conv2d(n3x3red, n3x3, 3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, n5x5red, 1)
        self.p3_2 = nn.Conv2d(n5x5red, n5x5, 5, padding=2)
        self.p4_2 = nn.Conv2d(in_channels, pool_planes, 1)

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
        self.a3 = Inception(192, 64, 96, 128, 16, 32, 32)
        self.b3 = Inception(256, 128, 128, 192, 32, 96, 64)
        self.a4 = Inception(480, 192, 96, 208, 16, 48, 64)
        self.b4 = Inception(512, 160, 112, 224, 24, 64, 64)
        self.c4 = Inception(512, 128, 128, 256, 24, 64, 64)
        self.d4 = Inception(512, 112, 144, 288, 32, 64, 64)
        self.e4 = Inception(528, 256, 160, 320, 32, 128, 128)
        self.a5 = Inception(832, 256, 160, 320, 32, 128, 128)
        self.b5 = Inception(832, 384, 192, 384, 48, 128, 128)
        self.dropout = nn.Dropout(p=0.4)
        self.linear = nn.Linear(1024, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 3, 2, padding=1)
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(F.relu(self.conv3(x)), 3, 2, padding=1)
        x = self.b3(self.a3(x))
        x = F.max_pool2d(x, 3, 2, padding=1)
        x = self.e4(self.d4(self.c4(self.b4(self.a4(x)))))
        x = F.max_pool2d(x, 3, 2, padding=1)
        x = self.b5(self.a5(x))
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.linear(self.dropout(x))
