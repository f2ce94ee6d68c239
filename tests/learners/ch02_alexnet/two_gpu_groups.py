"""One mistake for this exercise: the paper's two-GPU AlexNet, written with grouped convolutions (groups=2)
in conv2, conv4 and conv5, where each half of the filters sees only its own GPU's half of the channels."""

import torch
import torch.nn as nn


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, kernel_size=11, stride=4, padding=2)
        self.conv2 = nn.Conv2d(96, 256, kernel_size=5, padding=2, groups=2)
        self.conv3 = nn.Conv2d(256, 384, kernel_size=3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, kernel_size=3, padding=1, groups=2)
        self.conv5 = nn.Conv2d(384, 256, kernel_size=3, padding=1, groups=2)
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2)
        self.fc6 = nn.Linear(256 * 6 * 6, 4096)
        self.fc7 = nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, num_classes)
        self.dropout = nn.Dropout(p=0.5)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))   # 96 x 27 x 27
        x = self.pool(self.relu(self.conv2(x)))   # 256 x 13 x 13
        x = self.relu(self.conv3(x))
        x = self.relu(self.conv4(x))
        x = self.pool(self.relu(self.conv5(x)))   # 256 x 6 x 6
        x = torch.flatten(x, 1)
        x = self.relu(self.fc6(self.dropout(x)))
        x = self.relu(self.fc7(self.dropout(x)))
        return self.fc8(x)
