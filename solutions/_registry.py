"""The reference zoo's registry: one entry per model, its facts stored beside its builder.

Tests, the grader, the app and the notebooks all read this; nothing else lists the models. Reading the
facts imports no torch: a builder is named ("solutions.ch05_vgg.vgg:VGG16") and imported when a model is
built, so the grader's parent process (the command line, the app) can read the zoo without torch.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ModelInfo", "register_model", "get_model_info", "get_model", "list_models", "literal"]


@dataclass(frozen=True)
class ModelInfo:
    name: str
    builder: str  # "module:callable", called with num_classes=...
    input_shape: tuple[int, int, int]  # C, H, W
    num_classes: int
    num_params: int  # with the default num_classes
    paper: str
    year: int
    ilsvrc_top5: float | None = None  # top-5 test error (%) in the ILSVRC the model competed in
    ilsvrc: str | None = None  # e.g. "ILSVRC 2012, 1st"
    aliases: tuple[str, ...] = field(default=())
    config: Any = None  # the table the builder reads (VGG's layer list, GoogLeNet's Inception table), as data

    @property
    def module(self) -> str:
        return self.builder.partition(":")[0]

    def build_function(self) -> Any:
        module, _, attr = self.builder.partition(":")
        return getattr(importlib.import_module(module), attr)

    def build(self, num_classes: int | None = None, device: Any = None) -> Any:
        """Build the model; on ``device="meta"`` it costs no memory and no arithmetic."""
        n = self.num_classes if num_classes is None else num_classes
        builder = self.build_function()
        if device is None:
            return builder(num_classes=n)
        import torch

        with torch.device(device):
            return builder(num_classes=n)


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


def get_model(name: str, num_classes: int | None = None, device: Any = None) -> Any:
    return get_model_info(name).build(num_classes=num_classes, device=device)


def list_models() -> list[str]:
    """The registered names, in registration (historical) order, without aliases."""
    seen: dict[str, None] = {}
    for info in _REGISTRY.values():
        seen.setdefault(info.name, None)
    return list(seen)


def literal(relative_path: str, name: str) -> Any:
    """The value of a module-level ``name = <literal>`` in a file of the zoo, read without importing it
    (so the VGG configurations are written once, in vgg.py, and read here without torch)."""
    path = Path(__file__).resolve().parent / relative_path
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == name and node.value is not None:
            return ast.literal_eval(node.value)
    raise KeyError(f"{relative_path} has no literal {name}")
