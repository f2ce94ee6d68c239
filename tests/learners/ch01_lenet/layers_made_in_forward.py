"""One mistake: every layer made inside forward, so a new, untrained layer each call and nothing for an optimiser."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.num_classes = num_classes

    def forward(self, x):
        x = F.max_pool2d(F.relu(nn.Conv2d(1, 6, 5)(x)), 2)
        x = F.max_pool2d(F.relu(nn.Conv2d(6, 16, 5)(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(nn.Linear(400, 120)(x))
        x = F.relu(nn.Linear(120, 84)(x))
        return nn.Linear(84, self.num_classes)(x)
