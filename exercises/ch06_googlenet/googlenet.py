"""Chapter 6: GoogLeNet. Run: pytest exercises/ch06_googlenet   or   python -m grader check ch06 --hints 2

Graded in two steps: first the Inception module alone (inception 3a: 192x28x28 -> 256x28x28,
163,696 parameters), then the whole network.
"""

import torch
from torch import nn


class Inception(nn.Module):
    """Four parallel branches, concatenated along the channels (dim=1), in this order:

    1. 1x1 conv (ch1x1)
    2. 1x1 conv (ch3x3red) -> 3x3 conv padding 1 (ch3x3)
    3. 1x1 conv (ch5x5red) -> 5x5 conv padding 2 (ch5x5)
    4. 3x3 max-pool stride 1 padding 1 -> 1x1 conv (pool_proj)
    ReLU after every convolution. Every branch keeps H x W.
    """

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
    ) -> None:
        super().__init__()
        # TODO: the four branches
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: N x in_channels x H x W -> N x (ch1x1 + ch3x3 + ch5x5 + pool_proj) x H x W
        raise NotImplementedError


class GoogLeNet(nn.Module):
    """GoogLeNet (Inception v1) for 3x224x224 images: the paper's Table 1, no auxiliary heads, no batch norm.

    Stem: conv 64@7x7 stride 2 padding 3, ReLU, 3x3 max-pool stride 2 padding 1, conv 64@1x1, ReLU,
          conv 192@3x3 padding 1, ReLU, 3x3 max-pool stride 2 padding 1           -> 192 x 28 x 28
    Inception 3a (192, 64, 96, 128, 16, 32, 32), 3b (256, 128, 128, 192, 32, 96, 64), max-pool 3/2 padding 1
    Inception 4a (480, 192, 96, 208, 16, 48, 64), 4b (512, 160, 112, 224, 24, 64, 64),
              4c (512, 128, 128, 256, 24, 64, 64), 4d (512, 112, 144, 288, 32, 64, 64),
              4e (528, 256, 160, 320, 32, 128, 128), max-pool 3/2 padding 1
    Inception 5a (832, 256, 160, 320, 32, 128, 128), 5b (832, 384, 192, 384, 48, 128, 128)
    Global average pooling, flatten, Dropout(0.4), fc 1024 -> num_classes. Return logits.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: N x 3 x 224 x 224 -> N x num_classes
        raise NotImplementedError
