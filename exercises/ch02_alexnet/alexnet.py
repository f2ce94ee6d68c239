"""Chapter 2: AlexNet. Run: pytest exercises/ch02_alexnet   or   python -m grader check ch02 --hints 2"""

import torch
from torch import nn


class AlexNet(nn.Module):
    """The original AlexNet (96 filters in the first layer, as in the course notes) for 3x224x224 images.

    features: conv 96@11x11 stride 4 padding 2, ReLU, 3x3 max-pool stride 2,
              conv 256@5x5 padding 2, ReLU, 3x3 max-pool stride 2,
              conv 384@3x3 padding 1, ReLU, conv 384@3x3 padding 1, ReLU, conv 256@3x3 padding 1, ReLU,
              3x3 max-pool stride 2
    avgpool:  nn.AdaptiveAvgPool2d((6, 6))
    classifier: Dropout, fc 4096, ReLU, Dropout, fc 4096, ReLU, fc num_classes. Return logits.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        # TODO: self.features, self.avgpool, self.classifier
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: N x 3 x 224 x 224 -> N x num_classes
        raise NotImplementedError
