"""From a comparison to a diagnosis: the kind of mistake, the layer, the suspect hyperparameter, and
three levels of hints (1 where, 2 why with the formula and the learner's own numbers, 3 the fix)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from grader import worked
from grader.chapters import Variant
from grader.compare import (
    ACTIVATIONS,
    POOLS,
    Step,
    activation_bytes,
    align,
    concat_order_mistakes,
    family,
    first_divergence,
)
from grader.protocol import BATCH, ErrorInfo, FunctionResult, NumClassesResult, OpRow
from grader.text import a_label, op_label, t

__all__ = ["Finding", "describe", "diagnose_step", "diagnose_error", "recognise_variant", "with_variant", "shape_text",
           "load_finding", "outcome_finding", "params_finding", "num_classes_finding", "function_finding"]


@dataclass(frozen=True)
class Finding:
    """What a check found wrong: its kind, the message (hint level 1), all hint levels, where."""

    kind: str
    message: str
    hints: list[str] = field(default_factory=list)
    layer: int | None = None
    suspect: str | None = None
    variant: str | None = None
    line: int | None = None  # in the learner's file


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
    """The output-size formula for one spatial dimension, with these numbers in it, and its value."""
    k, s, p = _first(hparams.get("kernel_size")), _first(hparams.get("stride")), _first(hparams.get("padding", 0))
    d = _first(hparams.get("dilation", 1))
    if row.op == "conv2d":
        formula = worked.conv_size(size, k, s, p, d, lang=lang)
    else:
        formula = worked.pool_size(size, k, s, p, bool(hparams.get("ceil_mode")), d, lang=lang)
    return formula.up_to_result(), formula.value


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, (tuple, list)) else value


_SHAPE_HPARAMS = {
    "conv2d": ("out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "in_channels"),
    "max_pool2d": ("kernel_size", "stride", "padding", "ceil_mode", "dilation"),
    "avg_pool2d": ("kernel_size", "stride", "padding", "ceil_mode"),
    "linear": ("out_features", "in_features"),
}
_SUSPECTS = {"kernel_size", "stride", "padding", "in_channels", "out_channels", "in_features", "out_features"}


def _params_formula(row: OpRow, lang: str) -> worked.Worked:
    """A conv or fc layer's parameter count, written out with its numbers."""
    h = row.hparams
    if row.op == "linear":
        return worked.linear_params(h["in_features"], h["out_features"], h.get("bias", True), lang)
    return worked.conv_params(h["in_channels"] // h.get("groups", 1), h["out_channels"], h["kernel_size"],
                              h.get("bias", True), lang)


def _same_size_params(ref: OpRow, got: OpRow, lang: str) -> str:
    """Why a convolution with the right output size is still wrong: its weights, with both counts."""
    mine, theirs = _params_formula(got, lang), _params_formula(ref, lang)
    size = "x".join(str(v) for v in got.output_shape[1:])
    return t("why.same_size", lang, size=size, got_terms=mine.substituted, got=mine.value, ref_terms=theirs.substituted,
             expected=theirs.value)


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


def diagnose_error(error: ErrorInfo, raw: Finding, partial: list[OpRow], reference: list[OpRow], model: str,
                   lang: str) -> Finding:
    """The error raised by the learner's forward pass, explained with what ran before it: level 1 says where
    in the learner's terms, with the exception's own words (``raw``, at the file's line) under it."""
    translated = _translate(error.detail, partial, reference, model, lang)
    if translated is None:
        return raw
    first = f"{translated.message}\n{raw.message}" if translated.message else raw.message
    return replace(raw, message=translated.message or raw.message, hints=[first, *translated.hints[1:]],
                   layer=translated.layer, suspect=translated.suspect)


def _translate(detail: str, partial: list[OpRow], reference: list[OpRow], model: str, lang: str) -> Finding | None:
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
def recognise_variant(variants: tuple[Variant, ...], rows: list[OpRow]) -> str | None:
    """The name of the first declared variant (chapter data) that the learner's rows match."""
    return next((variant.name for variant in variants if variant.matches(rows)), None)


def with_variant(finding: Finding, variant: str | None, lang: str) -> Finding:
    """The finding with the variant's note after its message (the note says what this exercise asks for)."""
    if variant is None:
        return finding
    note = t(f"variant.{variant}", lang)
    hints = [f"{finding.hints[0]} {note}", *finding.hints[1:]] if finding.hints else [note]
    return replace(finding, message=f"{finding.message} {note}", hints=hints, variant=variant)


# -- what stopped the learner's code before any comparison -------------------------------------------
def _at(error: ErrorInfo, lang: str) -> str:
    return t("at.line", lang, line=error.line, source=error.source) if error.line else ""


def load_finding(error: ErrorInfo, path: str, name: str, lang: str, memory_mb: int) -> Finding:
    """The file did not import, the class is missing or no module, or building/running it raised."""
    kind = error.kind
    if kind == "syntax":
        message = t("load.syntax", lang, path=path, line=error.line, detail=error.detail)
    elif kind == "import":
        message = t("load.import", lang, path=path, at=_at(error, lang), exc_type=error.exc_type or "ImportError",
                    detail=error.detail)
    elif kind == "missing_class":
        extra = t("load.suggestion", lang, name=error.suggestion, wanted=name) if error.suggestion else ""
        key = "load.missing_class" if error.detail.startswith("no class") or not error.detail else "load.missing_function"
        message = t(key, lang, path=path, name=name, suggestion=extra)
    elif kind == "not_module":
        message = t("load.not_module", lang, path=path, name=name)
    elif kind == "not_implemented":
        message = t("load.not_implemented", lang, name=name, path=path, at=_at(error, lang))
    elif kind == "no_forward":
        message = t("load.no_forward", lang, name=name, path=path)
    elif kind == "memory":
        message = t("run.memory", lang, limit=memory_mb)
    else:
        stage = t(f"stage.{error.stage or 'forward'}", lang)
        message = t("load.error", lang, path=path, at=_at(error, lang), stage=stage, exc_type=error.exc_type or "Error",
                    detail=error.detail)
    return Finding(kind, message, [message], line=error.line)


def outcome_finding(status: str, path: str, lang: str, *, timeout: float, memory_mb: int, exit_code: int | None = None,
                    signal: int | None = None, output: str = "") -> Finding:
    """The child ended without an answer: it ran out of time or memory, exited, or crashed."""
    if status == "timeout":
        kind, message = "timeout", t("run.timeout", lang, seconds=timeout)
    elif status == "memory":
        kind, message = "memory", t("run.memory", lang, limit=memory_mb)
    elif status == "exit":
        kind, message = "exit", t("run.exit", lang, code=exit_code, path=path)
    else:
        kind, message = "error", t("run.crash", lang, signal=signal)
    hints = [message, t(f"run.{kind}.why", lang), t("run.fix", lang, path=path)]
    if output.strip():  # the last lines the learner's code printed often say where it was
        hints.append(t("run.output", lang, output=output.strip()[-600:]))
    return Finding(kind, message, hints)


# -- the parameters, num_classes and function checks --------------------------------------------------
def params_finding(steps: list[Step], total: int, reference_total: int, used: int, unused: tuple[str, ...],
                   model: str, lang: str) -> Finding | None:
    """The first layer whose parameter count differs, with the formula; else a total that differs; else None."""
    for step in steps:
        ref, got = step.reference, step.learner
        if ref is None or got is None or ref.op != got.op or ref.params == got.params:
            continue
        where = f"{op_label(got.op, lang)} {got.layer} ({got.module or 'forward'})" if got.layer else op_label(got.op, lang)
        message = f"{model}: " + t("params.layer", lang, where=where, got=got.params, expected=ref.params)
        hints = [message]
        if got.op in ("conv2d", "linear"):
            hints.append(_params_formula(got, lang).up_to_result())
        if got.hparams.get("bias") is False and ref.hparams.get("bias") is True:
            hints[0] = f"{model}: " + t("params.bias", lang, where=where)
            hints.append(t("fix.bias", lang))
        else:
            hints.append(t("fix.replace", lang, expected_desc=describe(ref)))
        suspect = next((n for n in ("out_channels", "kernel_size", "in_channels", "out_features", "in_features")
                        if ref.hparams.get(n) != got.hparams.get(n)), None)
        return Finding("params", hints[0], hints, layer=got.layer, suspect=suspect)
    if total == reference_total:
        return None
    message = t("params.total", lang, model=model, got=total, expected=reference_total)
    hints = [message]
    if used < total:
        hints.append(t("params.unused", lang, count=total - used, names=", ".join(unused[:5]) + (", ..." if len(unused) > 5 else "")))
        hints.append(t("fix.unused", lang))
    return Finding("params", message, hints)


def num_classes_finding(result: NumClassesResult, last: OpRow | None, reference: list[OpRow], num_classes: int,
                        model: str, lang: str) -> Finding | None:
    """None when the model built with num_classes=asked outputs ``asked`` values. The example fix is the
    reference's first layer that outputs the classes, written with num_classes."""
    asked = result.asked
    if result.error is None and result.output_shape == (asked,):
        return None
    if result.error is None:
        got = "x".join(map(str, result.output_shape or ()))
        message = t("num_classes.wrong", lang, model=model, asked=asked, got=got)
    else:
        message = t("num_classes.error", lang, model=model, asked=asked, detail=result.error.detail)
    classes = next((row for row in reference if row.layer is not None and num_classes in
                    (row.hparams.get("out_channels"), row.hparams.get("out_features"))), None)
    if classes is None:
        example = "nn.Linear(..., num_classes)"
    else:
        name = "out_channels" if classes.op == "conv2d" else "out_features"
        example = describe(replace(classes, hparams={**classes.hparams, name: "num_classes"}))
    hints = [message, t("num_classes.why", lang), t("num_classes.fix", lang, example=example)]
    return Finding("num_classes", message, hints, layer=last.layer if last else None, suspect="num_classes")


def function_finding(result: FunctionResult | None, *, structure_passed: bool, learner: list[OpRow],
                     reference_macs: int, reference_bytes: int, model: str, path: str, lang: str, timeout: float,
                     memory_mb: int, chapter_hint: str, reference: list[OpRow] | None = None) -> Finding | None:
    """None when the learner's model computes the reference's outputs with the reference's weights. Otherwise
    what the run measured: it runs whenever the learner's layers take the reference's weights (as far as they
    do), whatever the structure check found, so a missing ReLU is measured, not skipped."""
    if result is None:
        message = t("function.no_result", lang, model=model)
        return Finding("function", message, [message])
    status = result.status
    if status == "same":
        return None
    if status == "too_big":
        message = t("function.too_big", lang, model=model, batch=BATCH, megabytes=activation_bytes(tuple(learner)) // 2**20,
                    limit=memory_mb, ref_megabytes=reference_bytes // 2**20)
        return Finding("function", message, [message, t("function.slow_why", lang)])
    if status == "too_costly":
        message = t("function.too_costly", lang, model=model, gmacs=result.macs / 1e9, ref_gmacs=reference_macs / 1e9,
                    times=round(result.macs / max(reference_macs, 1)))
        return Finding("function", message, [message, t("function.slow_why", lang)])
    if status == "too_slow":
        message = t("function.too_slow", lang, model=model, seconds=timeout, gmacs=result.macs / 1e9,
                    ref_gmacs=reference_macs / 1e9)
        return Finding("function", message, [message, t("function.slow_why", lang)])
    if status == "error" and result.error is not None:
        return load_finding(result.error, path, model, lang, memory_mb)
    # the first weight layer whose values differ, named as the learner wrote it (the reference's where it has none)
    index = (result.first_differs or 0) - 1
    mine, theirs = [row for row in learner if row.param_names], [row for row in (reference or []) if row.param_names]
    first = (mine[index] if index < len(mine) else theirs[index] if index < len(theirs) else None) if index >= 0 else None
    where = _where(first, lang, None) if first is not None else ""
    layer = first.layer if first is not None else None
    if status == "parameters":
        key = "function.fitted" if result.fitted else "function.fitted_none"
        message = t(key, lang, model=model, fitted=result.fitted, total=result.layers, where=where,
                    matched=result.matched_layers)
        hints = [message, t("function.fitted_why", lang, model=model), t("function.fitted_fix", lang, where=where)]
        return Finding("function", message, hints, layer=layer)
    if status == "not_tensor":
        message = t("function.not_tensor", lang, model=model, kind=result.output_type)
        return Finding("function", message, [message, t("function.not_tensor_fix", lang)])
    if status == "shape":
        message = t("function.output_shape", lang, model=model, matched=result.matched_layers, total=result.layers)
        return Finding("function", message, [message, t("function.not_tensor_fix", lang)], layer=layer)
    concat = concat_order_mistakes(learner)
    if structure_passed or concat or result.probabilities or first is None:
        message = t("function.differs", lang, model=model, diff=result.max_abs_diff, scale=result.scale)
    else:  # the structure differs: say how far the values are right, and where they stop being so
        message = t("function.differs_at", lang, model=model, diff=result.max_abs_diff, scale=result.scale,
                    matched=result.matched_layers, total=result.layers, where=where)
    if concat:
        module, joined, expected = concat[0]
        detail = t("function.concat", lang, module=module, joined=", ".join(joined), expected=", ".join(expected))
        message = f"{message} {detail}"
        hints = [message, t("function.why", lang), t("function.concat_fix", lang, expected=", ".join(expected))]
    elif result.probabilities:
        hints = [message, t("why.extra_softmax", lang), t("function.softmax", lang)]
    elif not structure_passed and first is not None:
        hints = [message, t("function.differs_why", lang, where=where, model=model), t("function.fix", lang, hint=chapter_hint)]
    else:
        hints = [message, t("function.why", lang), t("function.fix", lang, hint=chapter_hint)]
    return Finding("function", message, hints, layer=layer if not structure_passed else None)
