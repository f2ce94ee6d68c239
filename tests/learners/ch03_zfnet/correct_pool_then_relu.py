"""Correct: each pool before its ReLU (max-pooling and ReLU commute, ceil_mode and all)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class ZFNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, kernel_size=7, stride=2, padding=1)
        self.conv2 = nn.Conv2d(96, 256, kernel_size=5, stride=2)
        self.conv3 = nn.Conv2d(256, 384, kernel_size=3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, kernel_size=3, padding=1)
        self.conv5 = nn.Conv2d(384, 256, kernel_size=3, padding=1)
        self.fc6 = nn.Linear(256 * 6 * 6, 4096)
        self.fc7 = nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, num_classes)
        self.dropout = nn.Dropout(p=0.5)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), kernel_size=3, stride=2, ceil_mode=True))  # 96 x 55 x 55
        x = F.relu(F.max_pool2d(self.conv2(x), kernel_size=3, stride=2, ceil_mode=True))  # 256 x 13 x 13
        x = F.relu(self.conv3(x))
        x = F.relu(self.conv4(x))
        x = F.relu(F.max_pool2d(self.conv5(x), kernel_size=3, stride=2, ceil_mode=True))  # 256 x 6 x 6
        x = torch.flatten(x, start_dim=1)
        x = F.relu(self.fc6(self.dropout(x)))
        x = F.relu(self.fc7(self.dropout(x)))
        return self.fc8(x)
