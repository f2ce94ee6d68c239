"""Network in Network (Lin et al., 2013), the ImageNet version of Dive into Deep Learning.

Each mlpconv block is a k x k convolution followed by two 1x1 convolutions (a small MLP run at every
pixel). The last block outputs one channel per class and global average pooling replaces the
fully-connected layers.
"""

import torch
from torch import nn

__all__ = ["NiN", "mlpconv"]


def mlpconv(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),  # 1x1: a linear layer at each pixel
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(inplace=True),
    )


class NiN(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            mlpconv(3, 96, kernel_size=11, stride=4),  # N x 96 x 54 x 54
            nn.MaxPool2d(kernel_size=3, stride=2),  # N x 96 x 26 x 26
            mlpconv(96, 256, kernel_size=5, padding=2),  # N x 256 x 26 x 26
            nn.MaxPool2d(kernel_size=3, stride=2),  # N x 256 x 12 x 12
            mlpconv(256, 384, kernel_size=3, padding=1),  # N x 384 x 12 x 12
            nn.MaxPool2d(kernel_size=3, stride=2),  # N x 384 x 5 x 5
            nn.Dropout(0.5),
            mlpconv(384, num_classes, kernel_size=3, padding=1),  # N x num_classes x 5 x 5
        )
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))  # global average pooling

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # N x 3 x 224 x 224
        x = self.features(x)
        # N x num_classes x 5 x 5
        x = self.avgpool(x)
        # N x num_classes x 1 x 1
        return torch.flatten(x, 1)  # N x num_classes
