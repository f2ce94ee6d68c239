"""Correct: the notes' mlpconv helper with keyword arguments, features + avgpool, torch.flatten."""

import torch
from torch import nn


def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(inplace=True),
    )


class NiN(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            mlpconv(3, 96, kernel_size=11, stride=4),
            nn.MaxPool2d(kernel_size=3, stride=2),
            mlpconv(96, 256, kernel_size=5, padding=2),
            nn.MaxPool2d(kernel_size=3, stride=2),
            mlpconv(256, 384, kernel_size=3, padding=1),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Dropout(0.5),
            mlpconv(384, num_classes, kernel_size=3, padding=1),
        )
        self.gap = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return torch.flatten(self.gap(self.features(x)), 1)
