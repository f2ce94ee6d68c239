"""One mistake: fc6, written as a 6x6 convolution over the whole map, has 4000 filters instead of 4096."""

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
        self.classifier = nn.Sequential(
            nn.Dropout(), nn.Conv2d(256, 4000, kernel_size=6), nn.ReLU(inplace=True),
            nn.Dropout(), nn.Conv2d(4000, 4096, kernel_size=1), nn.ReLU(inplace=True),
            nn.Conv2d(4096, num_classes, kernel_size=1),
        )

    def forward(self, x):
        x = self.classifier(self.features(x))   # N x num_classes x 1 x 1
        return x.view(x.size(0), -1)
