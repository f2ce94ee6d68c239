"""A Network-in-Network for 32x32 digits: three mlpconv blocks and global average pooling, for class
activation maps (Zhou et al., 2016: "Learning Deep Features for Discriminative Localization").

NiN's ideas at the size of LeNet-5's input: each mlpconv block is a k x k convolution and two 1x1
convolutions, and a 1x1 convolution to one map per class is averaged over all positions (no
fully-connected layer). Because the class score is the average of that map, the map itself shows where
the network saw the class: the class activation map. Batch normalisation after each convolution (not
in the 2013 paper) makes it train in seconds on a CPU.
"""

import torch
from torch import nn

__all__ = ["DigitsGAPNet", "mlpconv_bn"]


def mlpconv_bn(in_channels: int, out_channels: int, kernel_size: int, padding: int = 0) -> nn.Sequential:
    """k x k convolution, then two 1x1 convolutions; batch norm and ReLU after each."""
    layers: list[nn.Module] = []
    for index in range(3):
        kernel = kernel_size if index == 0 else 1
        layers += [
            nn.Conv2d(in_channels if index == 0 else out_channels, out_channels, kernel, padding=padding if index == 0 else 0),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        ]
    return nn.Sequential(*layers)


class DigitsGAPNet(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            mlpconv_bn(1, 16, kernel_size=5, padding=2),  # N x 16 x 32 x 32
            nn.MaxPool2d(kernel_size=2, stride=2),  # N x 16 x 16 x 16
            mlpconv_bn(16, 32, kernel_size=3, padding=1),  # N x 32 x 16 x 16
            nn.MaxPool2d(kernel_size=2, stride=2),  # N x 32 x 8 x 8
            mlpconv_bn(32, 64, kernel_size=3, padding=1),  # N x 64 x 8 x 8
        )
        self.classifier = nn.Conv2d(64, num_classes, kernel_size=1)  # one map per class: N x num_classes x 8 x 8
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))  # global average pooling

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # N x 1 x 32 x 32
        x = self.features(x)
        # N x 64 x 8 x 8
        x = self.classifier(x)
        # N x num_classes x 8 x 8: the class maps CAM shows
        x = self.avgpool(x)
        # N x num_classes x 1 x 1
        return torch.flatten(x, 1)  # N x num_classes
