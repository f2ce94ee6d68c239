"""A correct LeNet-5 that is slow only when it computes for real: it stands for models that are merely
slow on a CPU (a CIFAR-style GoogLeNet that keeps 224x224 through its stem takes about 24 s per forward
pass), whose structure the grader must still judge on the meta device, within the time limit."""

import time

import torch
from torch import nn


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                                        nn.Linear(84, num_classes))

    def forward(self, x):
        if x.device.type != "meta":  # real arithmetic: as slow as a network far too big for this CPU
            time.sleep(60)
        return self.classifier(torch.flatten(self.features(x), 1))
