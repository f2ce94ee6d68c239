"""Chapter 4: Network in Network. Run: pytest exercises/ch04_nin   or   python -m grader check ch04 --hints 2"""

import torch
from torch import nn


class NiN(nn.Module):
    """NiN for 3x224x224 images (the ImageNet version of Dive into Deep Learning).

    An mlpconv block: a k x k conv, then two 1x1 convs with the same number of filters; ReLU after each.
    Blocks: 96@11x11 stride 4 | 3x3 max-pool stride 2 | 256@5x5 padding 2 | max-pool |
            384@3x3 padding 1 | max-pool | Dropout(0.5) | num_classes@3x3 padding 1 |
            global average pooling (nn.AdaptiveAvgPool2d((1, 1))) | flatten. No fully-connected layer.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        # TODO: a helper function that returns one mlpconv block keeps this short.
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: N x 3 x 224 x 224 -> N x num_classes
        raise NotImplementedError
