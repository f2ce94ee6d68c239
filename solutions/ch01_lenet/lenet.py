"""LeNet-5 (LeCun et al., 1998) as in the course notes: 2 convolution layers + 3 fully-connected layers."""

import torch
from torch import nn

__all__ = ["LeNet5"]


class LeNet5(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120),
            nn.ReLU(inplace=True),
            nn.Linear(120, 84),
            nn.ReLU(inplace=True),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # N x 1 x 32 x 32
        x = self.features(x)
        # N x 16 x 5 x 5
        x = torch.flatten(x, 1)
        # N x 400
        return self.classifier(x)  # N x num_classes
