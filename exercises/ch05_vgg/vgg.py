"""Chapter 5: VGG16. Run: pytest exercises/ch05_vgg   or   python -m grader check ch05 --hints 2"""

import torch
from torch import nn


class VGG16(nn.Module):
    """VGG16 (configuration D, no batch norm) for 3x224x224 images.

    Five blocks of 3x3 convolutions (padding 1) with ReLU, each followed by a 2x2 max-pool (stride 2):
    2 x 64, 2 x 128, 3 x 256, 3 x 512, 3 x 512 filters. Then nn.AdaptiveAvgPool2d((7, 7)), flatten, and
    the classifier: fc 4096, ReLU, Dropout, fc 4096, ReLU, Dropout, fc num_classes. Return logits.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        # TODO: self.features, self.avgpool, self.classifier
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: N x 3 x 224 x 224 -> N x num_classes
        raise NotImplementedError


def make_vgg(cfg: list[int | str], num_classes: int = 1000) -> nn.Module:
    """Bonus: build any VGG from a configuration list, as torchvision does.

    An int is a 3x3 convolution (padding 1) with that many filters, followed by ReLU; "M" is a 2x2
    max-pool with stride 2. VGG16 is
    [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    VGG11 [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]. The avgpool and the
    classifier are VGG16's.
    """
    # TODO (bonus)
    raise NotImplementedError
