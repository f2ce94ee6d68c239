"""ZFNet (Zeiler & Fergus, 2013), the sizes of the paper's Fig. 3, without local response normalisation.

Smaller first filters than AlexNet (7x7 stride 2 instead of 11x11 stride 4) keep more of the image.
The pools use ceil_mode=True (as Caffe did), which gives the paper's 110 -> 55, 26 -> 13 and 13 -> 6.
"""

import torch
from torch import nn

__all__ = ["ZFNet"]


class ZFNet(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=7, stride=2, padding=1),  # N x 96 x 110 x 110
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),  # N x 96 x 55 x 55
            nn.Conv2d(96, 256, kernel_size=5, stride=2),  # N x 256 x 26 x 26
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),  # N x 256 x 13 x 13
            nn.Conv2d(256, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),  # N x 256 x 13 x 13
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),  # N x 256 x 6 x 6
        )
        self.classifier = nn.Sequential(
            nn.Dropout(),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # N x 3 x 224 x 224
        x = self.features(x)
        # N x 256 x 6 x 6
        x = torch.flatten(x, 1)
        # N x 9216
        return self.classifier(x)  # N x num_classes
