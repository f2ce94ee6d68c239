"""Bad input: imports a helper module that does not exist."""

from my_layers import conv_block  # noqa: F401
from torch import nn


class LeNet5(nn.Module):
    pass
