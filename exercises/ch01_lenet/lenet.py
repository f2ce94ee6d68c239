"""Chapter 1: LeNet-5. Run: pytest exercises/ch01_lenet   or   python -m grader check ch01 --hints 2"""

import torch
from torch import nn


class LeNet5(nn.Module):
    """LeNet-5 for 1x32x32 grayscale images: 2 convolution layers + 3 fully-connected layers.

    conv 6@5x5 -> ReLU -> 2x2 max-pool -> conv 16@5x5 -> ReLU -> 2x2 max-pool -> flatten
    -> fc 120 -> ReLU -> fc 84 -> ReLU -> fc num_classes. Return logits (no softmax).
    """

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        # TODO: declare the layers (nn.Conv2d, nn.Linear, ...). fc1 takes 16 * 5 * 5 features: why?
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: N x 1 x 32 x 32 -> N x num_classes. Write the shape after each step as a comment.
        raise NotImplementedError
