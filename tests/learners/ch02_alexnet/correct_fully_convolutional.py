"""Correct: the classifier written as convolutions, the fully convolutional form of the Caffe model zoo:
fc6 is a 6x6 convolution over the whole 256x6x6 map, fc7 and fc8 are 1x1 convolutions on a 1x1 map. The
dropout sits before fc6 on the map; dropout is element-wise, so before or after the flatten is the same."""

import torch
from torch import nn


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
        )
        self.fc6 = nn.Conv2d(256, 4096, kernel_size=6)
        self.fc7 = nn.Conv2d(4096, 4096, kernel_size=1)
        self.fc8 = nn.Conv2d(4096, num_classes, kernel_size=1)
        self.drop = nn.Dropout(0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)                      # N x 256 x 6 x 6
        x = torch.relu(self.fc6(self.drop(x)))    # N x 4096 x 1 x 1
        x = torch.relu(self.fc7(self.drop(x)))    # N x 4096 x 1 x 1
        x = self.fc8(x)                           # N x num_classes x 1 x 1
        return x.flatten(1)                       # N x num_classes
