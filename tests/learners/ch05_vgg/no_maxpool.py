"""One defect: the five max-pools are left out. Every feature map stays 224x224 and the adaptive average
pool still brings it to 7x7, so the network runs, with every weight of the reference's shape, but it
needs about 40 times the reference's operations (a CPU takes minutes for one forward pass)."""

import torch
from torch import nn

CFG = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]


class VGG16(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        layers, channels = [], 3
        for width in CFG:
            layers += [nn.Conv2d(channels, width, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            channels = width
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.features(x)  # N x 512 x 224 x 224: nothing halves the maps
        x = self.avgpool(x)  # N x 512 x 7 x 7
        return self.classifier(torch.flatten(x, 1))
