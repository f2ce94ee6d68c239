"""What the isolated child sends the parent, as frozen dataclasses. This module never imports torch: the
parent (the CLI, the app, the notebooks) reads the child's answer without it.

    OpRow          one operation of a traced forward pass
    ErrorInfo      an exception in the learner's code: its kind, where (file, line, source), torch's words
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["OpRow", "WEIGHT_OPS"]

WEIGHT_OPS = ("conv2d", "linear")  # the "weight layers" counted as a network's depth


@dataclass(frozen=True)
class OpRow:
    """One operation on the data path. Shapes exclude the batch dimension."""

    op: str
    output_shape: tuple[int, ...]
    input_shape: tuple[int, ...]
    params: int = 0
    macs: int = 0
    hparams: dict[str, Any] = field(default_factory=dict)
    module: str = ""  # qualified name of the innermost module that ran it ("" for the model itself)
    module_type: str = ""
    layer: int | None = None  # 1-based index among conv2d/linear rows, in execution order
    param_names: tuple[str, ...] = ()
    inputs: tuple[int, ...] = ()  # indices of the rows whose outputs this op reads; -1 is the model's input

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["output_shape"] = list(self.output_shape)
        data["input_shape"] = list(self.input_shape)
        data["param_names"] = list(self.param_names)
        data["inputs"] = list(self.inputs)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OpRow:
        """The inverse of ``to_dict`` (JSON turns tuples into lists)."""
        hparams = {k: tuple(v) if isinstance(v, list) else v for k, v in data.get("hparams", {}).items()}
        return cls(
            op=data["op"], output_shape=tuple(data["output_shape"]), input_shape=tuple(data["input_shape"]),
            params=data.get("params", 0), macs=data.get("macs", 0), hparams=hparams, module=data.get("module", ""),
            module_type=data.get("module_type", ""), layer=data.get("layer"),
            param_names=tuple(data.get("param_names", ())), inputs=tuple(data.get("inputs", ())),
        )
