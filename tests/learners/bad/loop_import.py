"""Bad input: an endless loop at import time."""

from torch import nn

while True:
    pass


class LeNet5(nn.Module):
    pass
