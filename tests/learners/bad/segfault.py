"""Bad input: reads address 0 through ctypes at import time: the process dies with SIGSEGV."""

import ctypes

from torch import nn

ctypes.string_at(0)


class LeNet5(nn.Module):
    pass
