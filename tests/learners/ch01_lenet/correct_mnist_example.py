"""Correct: the layout of PyTorch's MNIST example, pooling first and the ReLU after it
(F.relu(F.max_pool2d(...)) equals F.max_pool2d(F.relu(...)): ReLU keeps the order of values)."""

import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))  # N x 6 x 14 x 14
        x = F.relu(F.max_pool2d(self.conv2(x), 2))  # N x 16 x 5 x 5
        x = x.view(x.size(0), -1)                   # N x 400
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
