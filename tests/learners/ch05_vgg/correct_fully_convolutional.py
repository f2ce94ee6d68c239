"""Correct: VGG16 as the paper tests it, fully convolutional: fc6 is a 7x7 convolution over the 512x7x7 map,
fc7 and fc8 are 1x1 convolutions; the map is flattened at the very end."""

import torch.nn as nn

CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


class VGG16(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        layers = []
        in_channels = 3
        for v in CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(in_channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
                in_channels = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Conv2d(512, 4096, kernel_size=7), nn.ReLU(inplace=True), nn.Dropout(),   # fc6
            nn.Conv2d(4096, 4096, kernel_size=1), nn.ReLU(inplace=True), nn.Dropout(),  # fc7
            nn.Conv2d(4096, num_classes, kernel_size=1),                                 # fc8
        )

    def forward(self, x):
        x = self.features(x)      # N x 512 x 7 x 7
        x = self.classifier(x)    # N x num_classes x 1 x 1
        return x.view(x.size(0), -1)
