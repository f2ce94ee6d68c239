"""From a comparison to a diagnosis: the kind of mistake, the layer, the suspect hyperparameter, and
three levels of hints (1 where, 2 why with the formula and the learner's own numbers, 3 the fix)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from grader.compare import ACTIVATIONS, POOLS, Step, align, family, first_divergence
from grader.formulas import conv_output_size, pool_output_size
from grader.protocol import OpRow
from grader.text import a_label, op_label, t

__all__ = ["Finding", "describe", "diagnose_step", "diagnose_error", "recognise_variant", "shape_text"]


@dataclass
class Finding:
    kind: str
    message: str
    hints: list[str] = field(default_factory=list)
    layer: int | None = None
    suspect: str | None = None
    variant: str | None = None


def shape_text(shape: tuple[int, ...] | list[int]) -> str:
    return "x".join(str(v) for v in shape)


def _kw(hparams: dict[str, Any], names: tuple[str, ...]) -> str:
    return ", ".join(f"{name}={hparams[name]}" for name in names if name in hparams)


def describe(row: OpRow) -> str:
    """The row as the PyTorch code a learner would write for it."""
    h = row.hparams
    if row.op == "conv2d":
        extra = [f"{k}={h[k]}" for k, default in (("stride", 1), ("padding", 0), ("dilation", 1), ("groups", 1))
                 if h.get(k, default) != default]
        return f"nn.Conv2d({h['in_channels']}, {h['out_channels']}, kernel_size={h['kernel_size']}{''.join(', ' + e for e in extra)})"
    if row.op == "linear":
        return f"nn.Linear({h['in_features']}, {h['out_features']})"
    if row.op in ("max_pool2d", "avg_pool2d"):
        name = "nn.MaxPool2d" if row.op == "max_pool2d" else "nn.AvgPool2d"
        parts = [f"kernel_size={h['kernel_size']}", f"stride={h['stride']}"]
        if h.get("padding"):
            parts.append(f"padding={h['padding']}")
        if h.get("ceil_mode"):
            parts.append("ceil_mode=True")
        return f"{name}({', '.join(parts)})"
    if row.op in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        name = "nn.AdaptiveAvgPool2d" if row.op == "adaptive_avg_pool2d" else "nn.AdaptiveMaxPool2d"
        return f"{name}({h.get('output_size')})"
    if row.op == "dropout":
        return f"nn.Dropout(p={h.get('p', 0.5)})"
    if row.op == "flatten":
        return "torch.flatten(x, 1)"
    if row.op == "cat":
        return f"torch.cat([...], dim={h.get('dim')})"
    simple = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "softmax": "softmax",
              "batch_norm": "nn.BatchNorm2d", "local_response_norm": "nn.LocalResponseNorm"}
    return simple.get(row.op, row.op)


def _where(row: OpRow, lang: str, last_layer: int | None) -> str:
    """'conv layer 7 (features.14)', or 'max-pool (features.4) after conv layer 2'."""
    module = row.module or "forward"
    if row.layer is not None:
        return t("label.layer", lang, label=op_label(row.op, lang), index=row.layer, module=module)
    text = f"{op_label(row.op, lang)} ({module})"
    if last_layer:
        suffix = {"en": f" after weight layer {last_layer}", "zh-TW": f"（第 {last_layer} 個權重層之後）"}
        text += suffix["en" if lang == "en" else "zh-TW"]
    return text


def _position(previous: OpRow | None, lang: str, last_layer: int | None) -> str:
    """'after conv layer 3 (features.6)', or 'after max-pool (features.4)'."""
    if previous is None:
        return t("position.start", lang)
    module = previous.module or "forward"
    if previous.layer is not None:
        return t("position.after", lang, label=op_label(previous.op, lang), index=previous.layer, module=module)
    return t("position.after_op", lang, label=op_label(previous.op, lang), module=module)


def _size_formula(row: OpRow, hparams: dict[str, Any], size: int, lang: str) -> tuple[str, int | None]:
    """The output-size formula for one spatial dimension, with these numbers in it."""
    k, s, p = _first(hparams.get("kernel_size")), _first(hparams.get("stride")), _first(hparams.get("padding", 0))
    d = _first(hparams.get("dilation", 1))
    try:
        if row.op == "conv2d":
            out = conv_output_size(size, k, s, p, d)
            key = "why.conv" if d == 1 else "why.conv_dilated"
            return t(key, lang, size=size, k=k, p=p, s=s, d=d, out=out), out
        ceil = bool(hparams.get("ceil_mode"))
        out = pool_output_size(size, k, s, p, d, ceil)
        return t("why.pool", lang, rounding="ceil" if ceil else "floor", size=size, k=k, p=p, s=s, out=out), out
    except ValueError as error:
        return str(error), None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, (tuple, list)) else value


_SHAPE_HPARAMS = {
    "conv2d": ("out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "in_channels"),
    "max_pool2d": ("kernel_size", "stride", "padding", "ceil_mode", "dilation"),
    "avg_pool2d": ("kernel_size", "stride", "padding", "ceil_mode"),
    "linear": ("out_features", "in_features"),
}
_SUSPECTS = {"kernel_size", "stride", "padding", "in_channels", "out_channels", "in_features", "out_features"}


def _conv_terms(row: OpRow) -> tuple[str, int]:
    h = row.hparams
    k = h["kernel_size"] if isinstance(h["kernel_size"], (tuple, list)) else (h["kernel_size"], h["kernel_size"])
    out, inn = h["out_channels"], h["in_channels"] // h.get("groups", 1)
    bias = out if h.get("bias", True) else 0
    return f"{out} * {inn} * {k[0]} * {k[1]} + {bias}", out * inn * k[0] * k[1] + bias


def _same_size_params(ref: OpRow, got: OpRow, lang: str) -> str:
    """Why a convolution with the right output size is still wrong: its weights, with both counts."""
    got_terms, got_total = _conv_terms(got)
    ref_terms, ref_total = _conv_terms(ref)
    size = "x".join(str(v) for v in got.output_shape[1:])
    return t("why.same_size", lang, size=size, got_terms=got_terms, got=got_total, ref_terms=ref_terms, expected=ref_total)


def _changed(step: Step, model: str, lang: str, last_layer: int | None) -> Finding:
    ref, got = step.reference, step.learner
    assert ref is not None and got is not None
    where = _where(got, lang, last_layer)
    layer = got.layer if got.layer is not None else last_layer
    if ref.op != got.op:
        kind = {"activation": "activation", "pool": "pooling"}.get(family(ref.op), "layer_type")
        if family(ref.op) != family(got.op):
            kind = "layer_type"
        message = t("where.type", lang, model=model, where=where, expected=a_label(ref.op, lang))
        return Finding(kind, message, [message, t("why.type", lang, got_desc=describe(got), expected_desc=describe(ref)),
                                       t("fix.replace", lang, expected_desc=describe(ref))], layer=layer)
    names = _SHAPE_HPARAMS.get(ref.op, tuple(sorted(set(ref.hparams) | set(got.hparams))))
    diffs = [n for n in names if ref.hparams.get(n) != got.hparams.get(n)]
    shape_differs = ref.output_shape != got.output_shape
    suspect = next((n for n in diffs if n in _SUSPECTS), None)
    if shape_differs:
        level1 = f"{model}: " + t("where.shape", lang, where=where, got=shape_text(got.output_shape), expected=shape_text(ref.output_shape))
    else:
        level1 = f"{model}: " + t("where.hparam", lang, where=where, got_h=_kw(got.hparams, tuple(diffs)), expected_h=_kw(ref.hparams, tuple(diffs)))
    if ref.op in POOLS:
        kind = "shape" if shape_differs else "pooling"
    elif ref.op in ("conv2d", "linear"):
        kind = "shape" if shape_differs else "params"
    else:
        kind = "shape" if shape_differs else "layer_type"
    hints = [level1]
    settings = _kw(ref.hparams, tuple(d for d in diffs if d != "in_channels")) or _kw(ref.hparams, tuple(diffs))
    if ref.op in ("conv2d", "max_pool2d", "avg_pool2d") and got.input_shape and len(got.input_shape) == 3:
        size = got.input_shape[1]
        spatial_differs = ref.output_shape[1:] != got.output_shape[1:]
        if ref.op == "conv2d" and not shape_differs and "kernel_size" in diffs:
            hints.append(_same_size_params(ref, got, lang))
            formula, _ = _size_formula(ref, {**got.hparams, **{d: ref.hparams[d] for d in diffs if d in ref.hparams}}, size, lang)
            hints.append(t("fix.hparam", lang, settings=settings, formula=formula))
        elif spatial_differs or suspect in ("kernel_size", "stride", "padding") or "ceil_mode" in diffs:
            why, _ = _size_formula(got, got.hparams, size, lang)
            hints.append(why)
            fix_formula, out = _size_formula(ref, {**got.hparams, **{d: ref.hparams[d] for d in diffs if d in ref.hparams}}, size, lang)
            if suspect and out is not None and len(diffs) == 1:
                key = "fix.keeps" if out == size else "fix.gives"
                hints.append(t(key, lang, setting=f"{suspect}={ref.hparams[suspect]}", size=out) + "  " + fix_formula)
            else:
                hints.append(t("fix.hparam", lang, settings=settings, formula=fix_formula))
        else:  # channels
            hints.append(t("why.channels", lang, got=got.hparams.get("out_channels"), expected=ref.hparams.get("out_channels")))
            hints.append(t("fix.set", lang, settings=settings))
    elif ref.op == "linear":
        hints.append(t("why.features", lang, got=got.hparams.get("out_features"), expected=ref.hparams.get("out_features")))
        hints.append(t("fix.set", lang, settings=settings))
    else:
        hints.append(t("why.type", lang, got_desc=describe(got), expected_desc=describe(ref)))
        hints.append(t("fix.replace", lang, expected_desc=describe(ref)))
    return Finding(kind, level1, hints, layer=layer, suspect=suspect)


def diagnose_step(steps: list[Step], index: int, model: str, lang: str) -> Finding:
    """Explain the first divergence, ``steps[index]``."""
    last_layer = None
    previous: OpRow | None = None
    for step in steps[:index]:
        row = step.learner or step.reference
        if step.learner is not None:
            previous = step.learner
        if row is not None and row.layer is not None:
            last_layer = row.layer
    step = steps[index]
    if step.kind == "changed":
        return _changed(step, model, lang, last_layer)
    if step.kind == "missing":
        ref = step.reference
        assert ref is not None
        position = _position(previous, lang, last_layer)
        message = t("where.missing", lang, model=model, what=a_label(ref.op, lang), position=position)
        why = t("why.missing_activation", lang, what=describe(ref)) if ref.op in ACTIVATIONS else t(
            "why.generic_missing", lang, layer_desc=describe(ref))
        kind = "activation" if ref.op in ACTIVATIONS else "missing_layer"
        layer = ref.layer if ref.layer is not None else last_layer
        return Finding(kind, message, [message, why, t("fix.add", lang, layer_desc=describe(ref), position=position)],
                       layer=layer)
    got = step.learner
    assert got is not None
    what = op_label(got.op, lang)
    position = _position(previous, lang, last_layer)
    message = t("where.extra", lang, model=model, what=what, position=position)
    if got.op in ("softmax", "log_softmax"):
        why = t("why.extra_softmax", lang)
    elif got.op in ACTIVATIONS:
        why = t("why.generic_extra", lang, layer_desc=describe(got))
    else:
        why = t("why.generic_extra", lang, layer_desc=describe(got))
    kind = "activation" if got.op in ACTIVATIONS else "extra_layer"
    layer = got.layer if got.layer is not None else last_layer
    return Finding(kind, message, [message, why, t("fix.remove", lang, what=what, position=position)], layer=layer)


# -- runtime errors from the learner's forward ----------------------------------------------------------
_MATMUL = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")
_CHANNELS = re.compile(r"expected input\[([\d, ]+)\] to have (\d+) channels, but got (\d+) channels")
_TOO_SMALL = re.compile(r"Calculated padded input size per channel: \((\d+) x (\d+)\)\. Kernel size: \((\d+) x (\d+)\)")
_CAT = re.compile(r"Sizes of tensors must match except in dimension")


def _features_expr(rows: list[OpRow]) -> tuple[str, int | None]:
    for row in reversed(rows):
        if len(row.output_shape) == 3:
            c, h, w = row.output_shape
            return f"{c}*{h}*{w} = {c * h * w:,}", c * h * w
    return "", None


def _ran_divergence(partial: list[OpRow], reference: list[OpRow], model: str, lang: str) -> Finding | None:
    """The first divergence among the rows that ran before the error (the reference's later rows never ran)."""
    if not partial:
        return None
    steps = align(reference, partial)
    last = max(i for i, step in enumerate(steps) if step.learner is not None)
    found = first_divergence(steps[: last + 1])
    return diagnose_step(steps[: last + 1], found[0], model, lang) if found is not None else None


def diagnose_error(error: dict[str, Any], partial: list[OpRow], reference: list[OpRow], model: str, lang: str) -> Finding | None:
    """Translate torch's error from the learner's forward, using what ran before it."""
    detail = error.get("message", "")
    weights_done = sum(1 for row in partial if row.layer is not None)
    last = partial[-1] if partial else None
    if match := _MATMUL.search(detail):
        features, expected = int(match.group(2)), int(match.group(3))
        expr, total = _features_expr(partial)
        expr = expr if total == features else f"{features:,}"
        ref_expr, _ = _features_expr([r for r in reference if r.op != "flatten" and r.layer is None or len(r.output_shape) == 3])
        ref_flat = next((r for r in reference if r.op == "flatten"), None)
        ref_text = ref_expr if ref_flat is None else _features_expr(reference[: reference.index(ref_flat)])[0]
        message = f"{model}: " + t("error.matmul", lang, features_expr=expr, label=op_label("linear", lang), index=weights_done + 1, expected=expected)
        return Finding("error", message, [message, t("error.matmul.why", lang, features_expr=expr),
                                          t("error.matmul.fix", lang, features=features, reference_expr=ref_text or "?")],
                       layer=weights_done + 1, suspect="in_features")
    if match := _CHANNELS.search(detail):
        expected, got = int(match.group(2)), int(match.group(3))
        message = f"{model}: " + t("error.channels", lang, label=op_label("conv2d", lang), index=weights_done + 1, expected=expected, got=got)
        return Finding("error", message, [message, t("error.channels.why", lang, got=got),
                                          t("error.channels.fix", lang, got=got, expected=expected)],
                       layer=weights_done + 1, suspect="in_channels")
    if match := _TOO_SMALL.search(detail):
        size, k = int(match.group(1)), int(match.group(3))
        index = weights_done if weights_done else 1
        message = f"{model}: " + t("error.too_small", lang, k=k, label=op_label("conv2d", lang), index=index, size=size)
        return Finding("error", message, [message, t("error.too_small.why", lang), t("error.too_small.fix", lang)],
                       layer=index)
    if _CAT.search(detail):
        message = f"{model}: " + t("error.cat", lang, detail=detail.splitlines()[0])
        # torch.cat only notices the wrong size: the branch layer that produced it is the first divergence
        culprit = _ran_divergence(partial, reference, model, lang)
        layer = culprit.layer if culprit is not None and culprit.layer is not None else weights_done or None
        suspect = culprit.suspect if culprit is not None and culprit.suspect else "padding"
        return Finding("error", message, [message, t("error.cat.why", lang), t("error.cat.fix", lang)],
                       layer=layer, suspect=suspect)
    if last is not None:
        return Finding("error", "", ["", t("error.generic.why", lang, last=f"{describe(last)} -> {shape_text(last.output_shape)}"),
                                     t("error.generic.fix", lang)], layer=weights_done or None)
    return None


# -- well-known variants ----------------------------------------------------------------------------
def recognise_variant(chapter_id: str, rows: list[OpRow]) -> str | None:
    ops = {row.op for row in rows}
    convs = [row for row in rows if row.op == "conv2d"]
    if "local_response_norm" in ops:
        return "lrn"
    if chapter_id == "ch02_alexnet" and len(convs) >= 2 and convs[0].hparams.get("out_channels") == 64 \
            and convs[1].hparams.get("out_channels") == 192:
        return "torchvision_alexnet"
    if chapter_id == "ch01_lenet":
        signs = [bool(convs) and convs[0].hparams.get("padding") == 2, "sigmoid" in ops, "avg_pool2d" in ops]
        if sum(signs) >= 2:
            return "d2l_lenet"
    if chapter_id == "ch06_googlenet":
        if "batch_norm" in ops:
            return "torchvision_googlenet"
        # torchvision's "5x5" branch: 1x1 reduce then a 3x3 where the paper has 5x5; 6 convs per module
        kernels = [row.hparams.get("kernel_size") for row in convs]
        if kernels and 5 not in kernels and kernels.count(3) >= kernels.count(1) / 2:
            return "torchvision_googlenet"
    return None
