"""Correct: a list of (out, kernel, stride, padding, pool) specs turned into layers in a loop, nn.Flatten
inside the classifier."""

from torch import nn

CONVS = [(96, 11, 4, 2, True), (256, 5, 1, 2, True), (384, 3, 1, 1, False), (384, 3, 1, 1, False), (256, 3, 1, 1, True)]


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        layers = []
        channels = 3
        for out, kernel, stride, padding, pool in CONVS:
            layers += [nn.Conv2d(channels, out, kernel, stride=stride, padding=padding), nn.ReLU()]
            if pool:
                layers.append(nn.MaxPool2d(3, 2))
            channels = out
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(),
            nn.Linear(channels * 6 * 6, 4096),
            nn.ReLU(),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, images):
        return self.head(self.body(images))
