"""One defect: an auxiliary classifier declared in __init__ (as GoogLeNet's aux heads are) that forward
never calls. Its 850 parameters count in model.parameters() but never compute anything."""

import torch
from torch import nn
from torch.nn import functional as F


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)
        self.aux_head = nn.Linear(84, num_classes)  # planned, never used

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # N x 6 x 14 x 14
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # N x 16 x 5 x 5
        x = torch.flatten(x, 1)  # N x 400
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
