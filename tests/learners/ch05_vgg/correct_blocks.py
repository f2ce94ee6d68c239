"""Correct: five explicitly written blocks with named attributes and nn.Flatten, no adaptive pool."""

import torch.nn as nn


def conv3x3(c_in, c_out):
    return [nn.Conv2d(c_in, c_out, kernel_size=3, stride=1, padding=1), nn.ReLU()]


class VGG16(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.block1 = nn.Sequential(*conv3x3(3, 64), *conv3x3(64, 64), nn.MaxPool2d(2, 2))
        self.block2 = nn.Sequential(*conv3x3(64, 128), *conv3x3(128, 128), nn.MaxPool2d(2, 2))
        self.block3 = nn.Sequential(*conv3x3(128, 256), *conv3x3(256, 256), *conv3x3(256, 256), nn.MaxPool2d(2, 2))
        self.block4 = nn.Sequential(*conv3x3(256, 512), *conv3x3(512, 512), *conv3x3(512, 512), nn.MaxPool2d(2, 2))
        self.block5 = nn.Sequential(*conv3x3(512, 512), *conv3x3(512, 512), *conv3x3(512, 512), nn.MaxPool2d(2, 2))
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(25088, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        for block in (self.block1, self.block2, self.block3, self.block4, self.block5):
            x = block(x)
        return self.head(x)
