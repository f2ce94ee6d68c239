"""Correct: AlexNet with lazy layers (nn.LazyConv2d / nn.LazyLinear), as d2l 1.x writes it, with the
course's 96 filters in the first layer."""

from torch import nn


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.net = nn.Sequential(
            nn.LazyConv2d(96, kernel_size=11, stride=4, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.LazyConv2d(256, kernel_size=5, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.LazyConv2d(384, kernel_size=3, padding=1), nn.ReLU(),
            nn.LazyConv2d(384, kernel_size=3, padding=1), nn.ReLU(),
            nn.LazyConv2d(256, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.AdaptiveAvgPool2d((6, 6)),
            nn.Flatten(),
            nn.Dropout(p=0.5), nn.LazyLinear(4096), nn.ReLU(),
            nn.Dropout(p=0.5), nn.LazyLinear(4096), nn.ReLU(),
            nn.LazyLinear(num_classes),
        )

    def forward(self, x):
        return self.net(x)
