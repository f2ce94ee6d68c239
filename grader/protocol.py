"""What the isolated child sends the parent, as frozen dataclasses. This module never imports torch: the
parent (the CLI, the app, the notebooks) reads the child's answer without it.

    OpRow          one operation of a traced forward pass
    ErrorInfo      an exception in the learner's code: its kind, where (line, source), the exception's own words
    ChapterProbe   stage 1: the file imported, each model built and traced on the meta device
    FunctionResult stage 2, one per model: the model run with the reference's weights
    FunctionReference what the reference computes in that run (computed once, never beside learner code)
    WorksheetProbe the blanks of a worksheet
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["OpRow", "Rows", "WEIGHT_OPS", "BATCH", "ErrorInfo", "TraceResult", "NumClassesResult", "StructureProbe",
           "FunctionResult", "FunctionReference", "FormulaResult", "ChapterProbe", "WorksheetProbe"]

WEIGHT_OPS = ("conv2d", "linear")  # the "weight layers" counted as a network's depth
BATCH = 2  # the batch the child traces and runs: a model that only works for one image is caught


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
    # the row as the learner's code ran it, where the comparison reads it as another op computing the same
    # values (a convolution over the whole map read as nn.Linear: grader.compare.flatten_first)
    written_as: OpRow | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["output_shape"] = list(self.output_shape)
        data["input_shape"] = list(self.input_shape)
        data["param_names"] = list(self.param_names)
        data["inputs"] = list(self.inputs)
        data.pop("written_as")  # only the comparison's reading of a learner's row has one
        if self.written_as is not None:
            data["written_as"] = self.written_as.to_dict()
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
            written_as=cls.from_dict(data["written_as"]) if data.get("written_as") else None,
        )


class Rows:
    """What a traced model's rows add up to (a Trace, a cached Reference)."""

    rows: Any

    @property
    def total_macs(self) -> int:
        return sum(row.macs for row in self.rows)

    @property
    def weight_rows(self) -> list[OpRow]:
        return [row for row in self.rows if row.layer is not None]

    @property
    def depth(self) -> int:
        """Number of weight layers (conv + fc), the way the papers count "16" in VGG16."""
        return len(self.weight_rows)


@dataclass(frozen=True)
class ErrorInfo:
    """An exception raised by the learner's code (or a file that could not be read), as the child saw it."""

    kind: str  # syntax | import | missing_class | not_module | not_implemented | no_forward | error | memory
    exc_type: str = ""
    detail: str = ""  # the exception's own words (Python's or torch's), never reformatted
    line: int | None = None  # the last line of the learner's file in the traceback
    source: str = ""  # the text of that line
    stage: str = ""  # import | build | forward | function
    suggestion: str | None = None  # missing_class: the closest name the file defines


@dataclass(frozen=True)
class TraceResult:
    """The learner's model traced on the meta device (or the CPU when the meta run failed)."""

    rows: tuple[OpRow, ...]  # every op that ran; when ``error`` is set, those before it
    total_params: int = 0
    output_shape: tuple[int, ...] = ()
    output_type: str = "Tensor"  # what forward returned: Tensor, "tuple of 2", "list of 3", dict, NoneType, ...
    unused_params: tuple[str, ...] = ()  # parameters the forward pass never used, by name
    weights: tuple[tuple[str, tuple[int, ...]], ...] = ()  # every parameter's name and shape, as built
    error: ErrorInfo | None = None  # building or the forward pass raised


@dataclass(frozen=True)
class NumClassesResult:
    """The model built again with another ``num_classes``."""

    asked: int
    output_shape: tuple[int, ...] | None = None
    error: ErrorInfo | None = None
    output_type: str = "Tensor"


@dataclass(frozen=True)
class StructureProbe:
    """Stage 1 for one model: found, built and traced on the meta device (no weights, no arithmetic)."""

    model: str  # the spec's label
    error: ErrorInfo | None = None  # the class is missing or not an nn.Module: nothing else was tried
    trace: TraceResult | None = None
    num_classes: NumClassesResult | None = None
    single: TraceResult | None = None  # traced with one image instead of a batch


@dataclass(frozen=True)
class FunctionResult:
    """Stage 2 for one model: the learner's model run with the reference's weights.

    ``status``: same | differs | parameters (its weights do not have the reference's shapes) | shape |
    not_tensor | error | unregistered (not run: weights that are not the model's parameters) |
    too_big (not run: it would not fit in the memory limit) | too_costly (not run: it
    needs many times the reference's operations) | too_slow (it did not finish within the time limit)."""

    model: str
    status: str
    max_abs_diff: float = 0.0
    scale: float = 0.0
    probabilities: bool = False  # the outputs sum to 1 for every image: a softmax at the end
    log_probabilities: bool = False  # their exponentials sum to 1 for every image: a log_softmax at the end
    output_type: str = ""
    error: ErrorInfo | None = None
    macs: int = 0  # the learner's multiply-accumulates per image, for too_big / too_slow
    layers: int = 0  # the reference's weight layers (its layers with parameters, in the order forward uses them)
    fitted: int = 0  # how many of them, from the first, the learner's layers take the reference's weights for
    matched_layers: int = 0  # how many of those compute the reference's values on the same input
    first_differs: int | None = None  # 1-based, in that order: the first weight layer whose values differ


@dataclass(frozen=True)
class FunctionReference:
    """The reference's side of the function check, computed once without any learner code (grader.reference
    keeps it with the traces; the student edition ships it instead of the reference's source): the shapes of
    its parameters, layer by layer in the order its forward uses them, and what it computes with the check's
    weights (tiled from a seeded block, in that order) on the check's seeded batch: its outputs, and a
    fingerprint of each weight layer's output (its size, norm and two fixed projections)."""

    model: str
    param_shapes: tuple[tuple[tuple[int, ...], ...], ...]  # per layer with parameters, in use order
    output_shape: tuple[int, ...]  # with the batch
    output: tuple[float, ...]  # flattened
    layers: tuple[tuple[float, ...], ...]  # per layer with parameters: its output's fingerprint
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "param_shapes": [[list(shape) for shape in group] for group in self.param_shapes],
                "output_shape": list(self.output_shape), "output": list(self.output),
                "layers": [list(layer) for layer in self.layers], "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FunctionReference:
        return cls(data["model"], tuple(tuple(tuple(shape) for shape in group) for group in data["param_shapes"]),
                   tuple(data["output_shape"]), tuple(data["output"]), tuple(tuple(layer) for layer in data["layers"]),
                   data.get("seed", 0))


@dataclass(frozen=True)
class FormulaResult:
    """Chapter 0: one of the learner's formula functions against grader.formulas."""

    name: str
    cases: int = 0
    error: ErrorInfo | None = None  # missing, not started, or raised
    args: str = ""  # the first case it got wrong (or raised on)
    expected: Any = None
    got: str = ""
    case: tuple[Any, ...] = ()  # that case's arguments

    @property
    def passed(self) -> bool:
        return self.error is None and not self.args


@dataclass(frozen=True)
class ChapterProbe:
    """Stage 1 for a chapter's file: the file imported (or why not), and each model's structure probe."""

    error: ErrorInfo | None = None
    models: tuple[StructureProbe, ...] = ()
    formulas: tuple[FormulaResult, ...] = ()


@dataclass(frozen=True)
class WorksheetProbe:
    """The learner's worksheet blanks, read as plain values (numbers, tuples, None; anything else as repr)."""

    error: ErrorInfo | None = None
    values: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
