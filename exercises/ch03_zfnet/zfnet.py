"""Chapter 3: ZFNet. Run: pytest exercises/ch03_zfnet   or   python -m grader check ch03 --hints 2"""

import torch
from torch import nn


class ZFNet(nn.Module):
    """ZFNet (Zeiler & Fergus 2013, Fig. 3) for 3x224x224 images, without local response normalisation.

    Sizes: 224 -> conv1 110 -> pool 55 -> conv2 26 -> pool 13 -> conv3, conv4, conv5 13 -> pool 6.
    conv1 96@7x7 stride 2 padding 1; conv2 256@5x5 stride 2; conv3 384, conv4 384, conv5 256, all 3x3
    padding 1; every max-pool 3x3 stride 2 with ceil_mode=True; ReLU after every conv and fc;
    classifier: Dropout, fc 4096, ReLU, Dropout, fc 4096, ReLU, fc num_classes. Return logits.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: N x 3 x 224 x 224 -> N x num_classes
        raise NotImplementedError
