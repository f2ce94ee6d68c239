"""Bad input: time.sleep(1000) in __init__."""

import time

from torch import nn


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        time.sleep(1000)
