"""The reference zoo's registry: one entry per model, its facts stored beside its builder.

Tests, the grader, the app and the notebooks all read this; nothing else lists the models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

__all__ = ["ModelInfo", "register_model", "get_model_info", "get_model", "list_models"]


@dataclass(frozen=True)
class ModelInfo:
    name: str
    builder: Callable[..., nn.Module]
    input_shape: tuple[int, int, int]  # C, H, W
    num_classes: int
    num_params: int  # with the default num_classes
    paper: str
    year: int
    ilsvrc_top5: float | None = None  # top-5 test error (%) in the ILSVRC the model competed in
    ilsvrc: str | None = None  # e.g. "ILSVRC 2012, 1st"
    aliases: tuple[str, ...] = field(default=())

    def build(self, num_classes: int | None = None, device: str | torch.device | None = None) -> nn.Module:
        """Build the model; on ``device="meta"`` it costs no memory and no arithmetic."""
        n = self.num_classes if num_classes is None else num_classes
        if device is None:
            return self.builder(num_classes=n)
        with torch.device(device):
            return self.builder(num_classes=n)


_REGISTRY: dict[str, ModelInfo] = {}


def _key(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def register_model(info: ModelInfo) -> ModelInfo:
    for key in {_key(info.name), *map(_key, info.aliases)}:
        if key in _REGISTRY:
            raise ValueError(f"a model named {info.name!r} (key {key!r}) is already registered")
        _REGISTRY[key] = info
    return info


def get_model_info(name: str) -> ModelInfo:
    try:
        return _REGISTRY[_key(name)]
    except KeyError:
        raise KeyError(f"no model named {name!r} in the zoo; known models: {', '.join(list_models())}") from None


def get_model(name: str, num_classes: int | None = None, device: str | torch.device | None = None) -> nn.Module:
    return get_model_info(name).build(num_classes=num_classes, device=device)


def list_models() -> list[str]:
    """The registered names, in registration (historical) order, without aliases."""
    seen: dict[str, None] = {}
    for info in _REGISTRY.values():
        seen.setdefault(info.name, None)
    return list(seen)
