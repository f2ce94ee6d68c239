"""VGG (Simonyan & Zisserman, 2014). Configurations are data; one builder makes every depth.

Stacked 3x3 convolutions: two see as far as one 5x5, three as far as one 7x7, with fewer parameters.
Each block: convolutions with padding 1 keep the size, a 2x2 max-pool halves it, filters double.
"""

import torch
from torch import nn

__all__ = ["VGG", "VGG11", "VGG13", "VGG16", "VGG19", "cfgs", "make_vgg", "make_layers"]

# An int is a 3x3 convolution with that many filters, "M" a 2x2 max-pool (the paper's Table 1).
cfgs: dict[str, list[int | str]] = {
    "vgg11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg13": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "vgg19": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def make_layers(cfg: list[int | str], in_channels: int = 3) -> nn.Sequential:
    layers: list[nn.Module] = []
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [nn.Conv2d(in_channels, int(v), kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            in_channels = int(v)
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features: nn.Sequential, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # N x 3 x 224 x 224
        x = self.features(x)
        # N x 512 x 7 x 7
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        # N x 25088
        return self.classifier(x)  # N x num_classes


def make_vgg(cfg: list[int | str] | str, num_classes: int = 1000) -> VGG:
    """Build a VGG from a configuration list (or the name of one in ``cfgs``)."""
    if isinstance(cfg, str):
        cfg = cfgs[cfg.lower()]
    return VGG(make_layers(cfg), num_classes=num_classes)


class VGG16(VGG):
    """Configuration D: 13 convolution layers + 3 fully-connected layers."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__(make_layers(cfgs["vgg16"]), num_classes=num_classes)


def VGG11(num_classes: int = 1000) -> VGG:
    return make_vgg("vgg11", num_classes)


def VGG13(num_classes: int = 1000) -> VGG:
    return make_vgg("vgg13", num_classes)


def VGG19(num_classes: int = 1000) -> VGG:
    return make_vgg("vgg19", num_classes)
