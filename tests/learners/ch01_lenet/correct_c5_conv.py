"""Correct: LeCun's paper draws C5 as a convolution: 120 filters of 5x5 over the 16x5x5 map, one output
position each, which is the fully-connected fc1 (16*5*5 -> 120). ReLU and max-pooling as the course asks."""

import torch
from torch import nn


class LeNet5(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.feature_extractor = nn.Sequential(
            nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5, stride=1),    # C1: 6 x 28 x 28
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2),                                          # S2: 6 x 14 x 14
            nn.Conv2d(in_channels=6, out_channels=16, kernel_size=5, stride=1),   # C3: 16 x 10 x 10
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2),                                          # S4: 16 x 5 x 5
            nn.Conv2d(in_channels=16, out_channels=120, kernel_size=5, stride=1), # C5: 120 x 1 x 1
            nn.ReLU(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(in_features=120, out_features=84),   # F6
            nn.ReLU(),
            nn.Linear(in_features=84, out_features=num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.feature_extractor(x)   # N x 120 x 1 x 1
        x = torch.flatten(x, 1)         # N x 120
        return self.classifier(x)       # N x num_classes
