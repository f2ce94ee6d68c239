"""Correct: every max-pool has ceil_mode=True (copied from a ZFNet). On 224, 112, 56, 28 and 14 the 2x2
windows fit exactly, so rounding up changes no size and no value: it is not a mistake here."""

import torch
from torch import nn


class VGG16(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        blocks = [(3, 64, 2), (64, 128, 2), (128, 256, 3), (256, 512, 3), (512, 512, 3)]
        layers = []
        for in_channels, out_channels, count in blocks:
            for i in range(count):
                layers += [nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1),
                           nn.ReLU(inplace=True)]
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2, ceil_mode=True))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))  # N x 512 x 7 x 7
        return self.classifier(torch.flatten(x, 1))
