"""Hints never contradict the exercise: for every learner file of the catalogue whose first failing check is
about the structure, applying the fix that hint 3 describes (``Check.fix``) to the learner's own model moves
the first divergence from the reference strictly later, or makes every layer match. A fix that asked for
in_features away from what flatten gives, or for the image to have other channels, would fail this.

The learner files are our own (tests/learners), so they are loaded in this process; the model is built on
the meta device and traced with the grader's tracer, before and after the fix.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from grader import reference
from grader.chapters import get_chapter
from grader.compare import align, canonical_branches, first_divergence
from grader.load import import_path
from grader.report import Fix
from grader.trace import trace
from tests.test_grader_catalogue import ALL, CATALOGUE, LEARNERS, chapter_of, graded

STRUCTURE_KINDS = {"shape", "params", "layer_type", "missing_layer", "extra_layer", "activation", "pooling", "error"}


def _progress(model: nn.Module, input_shape: tuple[int, ...], ref_rows: list) -> float:
    """How many reference rows match before the first difference (infinity: every row matches)."""
    try:
        rows = canonical_branches(list(trace(model, input_shape).rows), ref_rows)
        steps, crashed = align(ref_rows, rows), False
    except Exception as error:  # noqa: BLE001 - the learner's model raising is what we measure
        steps, crashed = align(ref_rows, list(getattr(error, "partial_rows", None) or []), stopped=True), True
    found = first_divergence(steps)
    if found is None and not crashed:
        return math.inf
    upto = steps[: found[0]] if found is not None else steps
    return sum(1 for step in upto if step.reference is not None) + (0 if found is not None else 0.5)


def _layer(op: str, h: dict) -> nn.Module:
    """A layer of the course from its op and hyperparameters (a reference row, or a learner's row changed)."""
    if op == "conv2d":
        return nn.Conv2d(h["in_channels"], h["out_channels"], h["kernel_size"], h.get("stride", 1), h.get("padding", 0),
                         h.get("dilation", 1), h.get("groups", 1), bias=h.get("bias", True))
    if op == "linear":
        return nn.Linear(h["in_features"], h["out_features"], bias=h.get("bias", True))
    if op == "max_pool2d":
        return nn.MaxPool2d(h["kernel_size"], h["stride"], h.get("padding", 0), h.get("dilation", 1),
                            ceil_mode=h.get("ceil_mode", False))
    if op == "avg_pool2d":
        return nn.AvgPool2d(h["kernel_size"], h["stride"], h.get("padding", 0), ceil_mode=h.get("ceil_mode", False))
    if op == "adaptive_avg_pool2d":
        return nn.AdaptiveAvgPool2d(h["output_size"])
    simple = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "flatten": nn.Flatten}
    if op == "dropout":
        return nn.Dropout(h.get("p", 0.5))
    return simple[op]()


_HPARAMS = {
    nn.Conv2d: lambda m: {"in_channels": m.in_channels, "out_channels": m.out_channels, "kernel_size": m.kernel_size,
                          "stride": m.stride, "padding": m.padding, "dilation": m.dilation, "groups": m.groups,
                          "bias": m.bias is not None},
    nn.Linear: lambda m: {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None},
    nn.MaxPool2d: lambda m: {"kernel_size": m.kernel_size, "stride": m.stride, "padding": m.padding,
                             "dilation": m.dilation, "ceil_mode": m.ceil_mode},
    nn.AvgPool2d: lambda m: {"kernel_size": m.kernel_size, "stride": m.stride, "padding": m.padding,
                             "ceil_mode": m.ceil_mode},
}
_OPS = {nn.Conv2d: "conv2d", nn.Linear: "linear", nn.MaxPool2d: "max_pool2d", nn.AvgPool2d: "avg_pool2d"}


def _target(model: nn.Module, fix: Fix) -> str | None:
    """The qualified name of the leaf module the fix changes, or None when the fix is not one module's."""
    if fix.weight:
        return next((name for name, module in model.named_modules()
                     if isinstance(getattr(module, "weight", None), torch.Tensor) and tuple(module.weight.shape) == fix.weight),
                    None)
    if not fix.module:
        return None
    try:
        module = model.get_submodule(fix.module)
    except AttributeError:
        return None
    return fix.module if not list(module.children()) else None


def _apply(model: nn.Module, name: str, fix: Fix) -> None:
    old = model.get_submodule(name)
    if fix.action == "set":
        new = _layer(_OPS[type(old)], {**_HPARAMS[type(old)](old), **fix.hparams})
    elif fix.action == "replace":
        new = _layer(fix.row.op, fix.row.hparams)
    elif fix.action == "add":
        new = nn.Sequential(old, _layer(fix.row.op, fix.row.hparams))
    else:
        new = nn.Identity()
        for other in fix.also:  # the layers that go with it
            owner, _, attr = other.rpartition(".")
            setattr(model.get_submodule(owner), attr, nn.Identity())
    owner, _, attr = name.rpartition(".")
    setattr(model.get_submodule(owner), attr, new.to("meta"))


def _cases() -> list:
    return [param for param in CATALOGUE if param.values[1] != ALL and not param.marks]


@pytest.mark.parametrize(("file", "check", "kind", "layer", "suspect"), _cases())
def test_the_fix_in_hint_3_moves_the_first_difference_later(file, check, kind, layer, suspect):
    failure = graded(file).first_failure()
    if not failure.id.endswith(".structure") or failure.kind not in STRUCTURE_KINDS or failure.fix is None:
        pytest.skip(f"{failure.id} ({failure.kind}): no one-layer fix to apply")
    chapter = get_chapter(chapter_of(file))
    spec = next(spec for spec in chapter.models if failure.id.startswith(spec.label + "."))
    cls = getattr(import_path(LEARNERS / file), spec.class_name)
    with torch.device("meta"):
        model = cls(*spec.args, **spec.kwargs)
    name = _target(model, failure.fix)
    if name is None:
        pytest.skip(f"{failure.fix}: not a layer of its own (a functional call in forward)")
    ref_rows = list(reference.for_spec(spec).rows)
    before = _progress(model, spec.input_shape, ref_rows)
    _apply(model, name, failure.fix)
    after = _progress(model, spec.input_shape, ref_rows)
    assert after > before, (failure.hints[-1], failure.fix, before, after)


def test_the_property_is_checked_on_enough_of_the_catalogue():
    """Most structural verdicts carry a fix that applies to one layer (the rest are functional calls)."""
    applied = 0
    for param in _cases():
        failure = graded(param.values[0]).first_failure()
        if failure.id.endswith(".structure") and failure.kind in STRUCTURE_KINDS and failure.fix is not None:
            applied += 1
    assert applied >= 20, applied
