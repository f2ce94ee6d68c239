"""GoogLeNet / Inception v1 (Szegedy et al., 2014), the full network of the paper's Table 1.

The stem and the Inception module are the course notes'; unlike the notes, all nine modules are here.
No auxiliary heads and no batch norm; the "5x5" branch is a true 5x5 convolution.
"""

import torch
from torch import nn

__all__ = ["Inception", "GoogLeNet", "INCEPTION_CFGS"]


def conv_relu(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding),
        nn.ReLU(inplace=True),
    )


class Inception(nn.Module):
    """Four parallel branches concatenated along channels: 1x1 | 1x1->3x3 | 1x1->5x5 | pool->1x1.

    The 1x1 "reduce" convolutions shrink the channels before the expensive 3x3 and 5x5 convolutions.
    """

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
    ) -> None:
        super().__init__()
        self.branch1 = conv_relu(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            conv_relu(in_channels, ch3x3red, kernel_size=1),
            conv_relu(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        self.branch3 = nn.Sequential(
            conv_relu(in_channels, ch5x5red, kernel_size=1),
            conv_relu(ch5x5red, ch5x5, kernel_size=5, padding=2),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
            conv_relu(in_channels, pool_proj, kernel_size=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # every branch keeps H x W; channels: ch1x1 + ch3x3 + ch5x5 + pool_proj
        branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return torch.cat(branches, 1)


# The paper's Table 1: in_channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
INCEPTION_CFGS: dict[str, tuple[int, int, int, int, int, int, int]] = {
    "3a": (192, 64, 96, 128, 16, 32, 32),
    "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64),
    "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64),
    "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128),
    "5a": (832, 256, 160, 320, 32, 128, 128),
    "5b": (832, 384, 192, 384, 48, 128, 128),
}


class GoogLeNet(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.pre_layers = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3),  # N x 64 x 112 x 112
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),  # N x 64 x 56 x 56
            nn.Conv2d(64, 64, kernel_size=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(64, 192, kernel_size=3, padding=1),  # N x 192 x 56 x 56
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),  # N x 192 x 28 x 28
        )
        self.inception3a = Inception(*INCEPTION_CFGS["3a"])
        self.inception3b = Inception(*INCEPTION_CFGS["3b"])
        self.maxpool3 = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.inception4a = Inception(*INCEPTION_CFGS["4a"])
        self.inception4b = Inception(*INCEPTION_CFGS["4b"])
        self.inception4c = Inception(*INCEPTION_CFGS["4c"])
        self.inception4d = Inception(*INCEPTION_CFGS["4d"])
        self.inception4e = Inception(*INCEPTION_CFGS["4e"])
        self.maxpool4 = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.inception5a = Inception(*INCEPTION_CFGS["5a"])
        self.inception5b = Inception(*INCEPTION_CFGS["5b"])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.4)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # N x 3 x 224 x 224
        x = self.pre_layers(x)
        # N x 192 x 28 x 28
        x = self.inception3a(x)  # N x 256 x 28 x 28
        x = self.inception3b(x)  # N x 480 x 28 x 28
        x = self.maxpool3(x)  # N x 480 x 14 x 14
        x = self.inception4a(x)  # N x 512 x 14 x 14
        x = self.inception4b(x)  # N x 512 x 14 x 14
        x = self.inception4c(x)  # N x 512 x 14 x 14
        x = self.inception4d(x)  # N x 528 x 14 x 14
        x = self.inception4e(x)  # N x 832 x 14 x 14
        x = self.maxpool4(x)  # N x 832 x 7 x 7
        x = self.inception5a(x)  # N x 832 x 7 x 7
        x = self.inception5b(x)  # N x 1024 x 7 x 7
        x = self.avgpool(x)  # N x 1024 x 1 x 1
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        return self.fc(x)  # N x num_classes
