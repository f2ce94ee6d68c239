"""Align the learner's op trace with the reference's and find the first divergence.

A global sequence alignment (Needleman-Wunsch) lets one missing or extra layer show up once, as a gap,
instead of as a cascade of mismatches in every row after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.trace import OpRow

__all__ = ["Step", "align", "first_divergence", "rows_from_dicts", "family", "ACTIVATIONS", "POOLS"]

ACTIVATIONS = {"relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "relu6", "hardtanh", "silu", "softplus", "selu", "prelu"}
POOLS = {"max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d"}
NORMS = {"batch_norm", "local_response_norm", "layer_norm", "group_norm", "instance_norm"}
_IGNORED_HPARAMS = {"bias"}  # a missing bias changes parameters, not shapes: the params check reports it


def family(op: str) -> str:
    if op in ACTIVATIONS:
        return "activation"
    if op in POOLS:
        return "pool"
    if op in NORMS:
        return "norm"
    if op in ("conv2d", "linear"):
        return "weight"
    return op


def rows_from_dicts(rows: list[dict[str, Any]]) -> list[OpRow]:
    out = []
    for row in rows:
        data = dict(row)
        data["output_shape"] = tuple(data["output_shape"])
        data["input_shape"] = tuple(data["input_shape"])
        data["param_names"] = tuple(data.get("param_names", ()))
        hparams = {k: tuple(v) if isinstance(v, list) else v for k, v in data.get("hparams", {}).items()}
        data["hparams"] = hparams
        out.append(OpRow(**data))
    return out


def _key(row: OpRow) -> tuple[Any, ...]:
    hparams = tuple(sorted((k, v) for k, v in row.hparams.items() if k not in _IGNORED_HPARAMS))
    return (row.op, row.output_shape, hparams)


def same(a: OpRow, b: OpRow) -> bool:
    return _key(a) == _key(b)


def is_optional(row: OpRow) -> bool:
    """A layer that changes nothing for this input, e.g. AlexNet's AdaptiveAvgPool2d(6) on a 6x6 map."""
    return row.op in ("adaptive_avg_pool2d", "adaptive_max_pool2d") and row.output_shape == row.input_shape


def _substitution(a: OpRow, b: OpRow) -> float:
    if same(a, b):
        return 0.0
    if a.op == b.op:
        return 0.4
    if family(a.op) == family(b.op):
        return 0.9
    return 1.6  # more than a gap, less than two: prefer a gap pair over an unrelated match


def _gap(row: OpRow) -> float:
    return 0.05 if is_optional(row) else 1.0


@dataclass
class Step:
    """One column of the alignment: both rows (matched), or a gap on one side."""

    reference: OpRow | None
    learner: OpRow | None

    @property
    def kind(self) -> str:
        if self.reference is None:
            return "extra"
        if self.learner is None:
            return "missing"
        return "same" if same(self.reference, self.learner) else "changed"


def align(reference: list[OpRow], learner: list[OpRow]) -> list[Step]:
    n, m = len(reference), len(learner)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = cost[i - 1][0] + _gap(reference[i - 1])
    for j in range(1, m + 1):
        cost[0][j] = cost[0][j - 1] + _gap(learner[j - 1])
    for i in range(1, n + 1):
        ref_row, row = reference[i - 1], cost[i]
        above = cost[i - 1]
        for j in range(1, m + 1):
            row[j] = min(
                above[j - 1] + _substitution(ref_row, learner[j - 1]),
                above[j] + _gap(ref_row),
                row[j - 1] + _gap(learner[j - 1]),
            )
    steps: list[Step] = []
    i, j = n, m
    while i > 0 or j > 0:
        # prefer a match, then a missing reference row, then an extra learner row (stable, readable)
        if i > 0 and j > 0 and abs(cost[i][j] - (cost[i - 1][j - 1] + _substitution(reference[i - 1], learner[j - 1]))) < 1e-9:
            steps.append(Step(reference[i - 1], learner[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and abs(cost[i][j] - (cost[i - 1][j] + _gap(reference[i - 1]))) < 1e-9:
            steps.append(Step(reference[i - 1], None))
            i -= 1
        else:
            steps.append(Step(None, learner[j - 1]))
            j -= 1
    steps.reverse()
    return steps


def first_divergence(steps: list[Step]) -> tuple[int, Step] | None:
    """The first step that is not an exact match (optional no-op layers missing or extra are fine)."""
    for index, step in enumerate(steps):
        if step.kind == "same":
            continue
        if step.kind == "missing" and is_optional(step.reference):  # type: ignore[arg-type]
            continue
        if step.kind == "extra" and is_optional(step.learner):  # type: ignore[arg-type]
            continue
        return index, step
    return None
