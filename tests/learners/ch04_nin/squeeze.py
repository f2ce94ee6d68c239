"""Defect: x.squeeze() after global average pooling. With a batch it gives N x 1000; with a single image
it squeezes the batch dimension away too and returns 1000 values with no batch dimension."""

from torch import nn


def mlpconv(in_channels, out_channels, kernel_size, stride, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding), nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(inplace=True),
    )


class NiN(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            mlpconv(3, 96, 11, 4, 0), nn.MaxPool2d(3, 2),
            mlpconv(96, 256, 5, 1, 2), nn.MaxPool2d(3, 2),
            mlpconv(256, 384, 3, 1, 1), nn.MaxPool2d(3, 2), nn.Dropout(0.5),
            mlpconv(384, num_classes, 3, 1, 1),
        )
        self.gap = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        x = self.gap(self.features(x))  # N x 1000 x 1 x 1
        return x.squeeze()  # N x 1000 ... unless N is 1
