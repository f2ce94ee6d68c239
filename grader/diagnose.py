"""From a comparison to a diagnosis: the kind of mistake, the layer, the suspect hyperparameter, and
three levels of hints (1 where, 2 why with the formula and the learner's own numbers, 3 the fix)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from grader import worked
from grader.chapters import BranchTable, Variant
from grader.compare import (
    ACTIVATIONS,
    POOLS,
    Step,
    activation_bytes,
    align,
    alignment_cost,
    branches,
    canonical,
    concat_order_mistakes,
    family,
    first_divergence,
    read_as_linear,
    unregistered,
)
from grader.protocol import BATCH, ErrorInfo, FunctionResult, NumClassesResult, OpRow, TraceResult
from grader.report import Fix
from grader.text import a_label, join_list, normalize_lang, op_label, sentences, t

__all__ = ["Finding", "Fix", "describe", "diagnose_step", "diagnose_crash", "recognise_variant", "with_variant", "shape_text",
           "load_finding", "outcome_finding", "params_finding", "num_classes_finding", "function_finding",
           "merges_batch", "batch_finding", "single_image_finding", "output_finding"]


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
    fix: Fix | None = None  # the fix hint 3 describes, when it is one layer's


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


def code(module: str) -> str:
    """A module's qualified name as the learner's code spells it: features.0 -> self.features[0],
    blocks.4c.p4_2 -> self.blocks['4c'].p4_2; the model itself -> forward."""
    if not module:
        return "forward"
    spelled = "self"
    for part in module.split("."):
        spelled += f"[{part}]" if part.isdigit() else f"['{part}']" if not part.isidentifier() else f".{part}"
    return spelled


def ordinal(number: int, lang: str) -> str:
    """1st, 2nd, 3rd, 11th, 22nd ... (zh-TW: the number, the sentence says 第 … 個)."""
    if normalize_lang(lang) != "en":
        return str(number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def weight_layer(index: int, module: str | None, lang: str) -> str:
    """'the 3rd weight layer, `self.fc1`': the counting said, the layer named as the learner's code names it."""
    if not module:  # not known, or a function called in the model's own forward
        return t("label.weight", lang, ordinal=ordinal(index, lang))
    return t("label.weight_code", lang, ordinal=ordinal(index, lang), code=code(module))


def _where(row: OpRow, lang: str, last_layer: int | None) -> str:
    """The layer as a noun phrase: 'the 7th weight layer, `self.features[14]`', 'the max-pool `self.features[4]`
    after the 2nd weight layer'."""
    if row.layer is not None:
        return weight_layer(row.layer, row.module, lang)
    label = op_label(row.op, lang)
    if last_layer:
        return t("label.op_after", lang, label=label, code=code(row.module), ordinal=ordinal(last_layer, lang))
    return t("label.op", lang, label=label, code=code(row.module))


def _position(previous: OpRow | None, lang: str, last_layer: int | None) -> str:
    """The place as the where.* and fix.* sentences take it: 'after the 3rd weight layer, `self.features[6]`'."""
    if previous is None:
        return t("position.start", lang)
    if previous.layer is not None:
        return t("position.after", lang, layer=weight_layer(previous.layer, previous.module, lang))
    return t("position.after_op", lang, label=op_label(previous.op, lang), code=code(previous.module))


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
_SUSPECTS = {"kernel_size", "stride", "padding", "in_channels", "out_channels", "in_features", "out_features", "groups"}


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
                                       t("fix.replace", lang, expected_desc=describe(ref))], layer=layer,
                       fix=Fix("replace", got.module, row=ref))
    names = _SHAPE_HPARAMS.get(ref.op, tuple(sorted(set(ref.hparams) | set(got.hparams))))
    diffs = [n for n in names if ref.hparams.get(n) != got.hparams.get(n)]
    shape_differs = ref.output_shape != got.output_shape
    suspect = next((n for n in diffs if n in _SUSPECTS), None)
    if shape_differs:
        level1 = t("where.shape", lang, model=model, where=where, got=shape_text(got.output_shape), expected=shape_text(ref.output_shape))
    else:
        level1 = t("where.hparam", lang, model=model, where=where, got_h=_kw(got.hparams, tuple(diffs)), expected_h=_kw(ref.hparams, tuple(diffs)))
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
                hints.append(t(key, lang, setting=f"{suspect}={ref.hparams[suspect]}", size=out, formula=fix_formula))
            else:
                hints.append(t("fix.hparam", lang, settings=settings, formula=fix_formula))
        elif "groups" in diffs and ref.op == "conv2d" and not shape_differs:  # the paper's two-GPU split
            groups, channels = got.hparams.get("groups", 1), got.hparams.get("in_channels", 0)
            hints.append(t("why.groups", lang, groups=groups, channels=channels, per=channels // max(groups, 1),
                           expected=ref.hparams.get("groups", 1)))
            hints.append(t("fix.set", lang, settings=settings))
        else:  # channels
            hints.append(t("why.channels", lang, got=got.hparams.get("out_channels"), expected=ref.hparams.get("out_channels")))
            hints.append(t("fix.set", lang, settings=settings))
    elif ref.op == "linear":
        hints.append(t("why.features", lang, got=got.hparams.get("out_features"), expected=ref.hparams.get("out_features")))
        hints.append(t("fix.set", lang, settings=settings))
    else:
        hints.append(t("why.type", lang, got_desc=describe(got), expected_desc=describe(ref)))
        hints.append(t("fix.replace", lang, expected_desc=describe(ref)))
    changes = {name: ref.hparams[name] for name in diffs if name in ref.hparams}
    fix = Fix("set", got.module, changes) if ref.op in ("conv2d", "linear", *POOLS) else Fix("replace", got.module, row=ref)
    return Finding(kind, level1, hints, layer=layer, suspect=suspect, fix=fix)


def diagnose_step(steps: list[Step], index: int, model: str, lang: str, table: BranchTable | None = None,
                  reference: list[OpRow] | None = None) -> Finding:
    """Explain the first divergence, ``steps[index]``. With the chapter's ``table`` (GoogLeNet's Table 1) and
    the whole ``reference``, a mistake inside a module of parallel branches is named by module and column."""
    step = steps[index]
    got = step.learner
    if got is None or not read_as_linear(got):
        return _diagnose_step(steps, index, model, lang, table, reference)
    # the learner wrote a convolution that the comparison reads as nn.Linear: compare it, in the hints, with the
    # reference's layer written as the same convolution, and say why it is read so
    if step.kind == "changed" and step.reference is not None and step.reference.op == "linear":
        step = Step(_as_convolution(step.reference, got.written_as), got.written_as)
    finding = _diagnose_step([*steps[:index], step, *steps[index + 1:]], index, model, lang, table, reference)
    note = _conv_as_linear(got, lang)
    return replace(finding, message=sentences(lang, finding.message, note),
                   hints=[sentences(lang, finding.hints[0], note), *finding.hints[1:]] if finding.hints else [note])


def _conv_as_linear(row: OpRow, lang: str) -> str:
    """'`self.fc6` is nn.Conv2d(256, 4000, kernel_size=6) over its whole 256x6x6 input: ...'."""
    written = row.written_as
    assert written is not None
    return t("note.conv_as_linear", lang, code=code(row.module), written=describe(written),
             map="x".join(map(str, written.input_shape)), linear=describe(row))


def _as_convolution(linear: OpRow, conv: OpRow) -> OpRow:
    """The reference's fully-connected layer written as the learner's convolution over the whole map."""
    out = linear.hparams["out_features"]
    return replace(linear, op="conv2d", input_shape=conv.input_shape, output_shape=(out, 1, 1),
                   hparams={**conv.hparams, "out_channels": out, "bias": linear.hparams.get("bias", True)})


def _diagnose_step(steps: list[Step], index: int, model: str, lang: str, table: BranchTable | None,
                   reference: list[OpRow] | None) -> Finding:
    last_layer = None
    previous: OpRow | None = None
    for step in steps[:index]:
        row = step.learner or step.reference
        if step.learner is not None:
            previous = step.learner
        if row is not None and row.layer is not None:
            last_layer = row.layer
    step = steps[index]
    if step.learner is not None and merges_batch(step.learner):
        return batch_finding(step.learner, _where(step.learner, lang, last_layer), BATCH, model, lang, last_layer)
    if table is not None and reference is not None:
        named = _branch_finding(steps, index, model, lang, table, reference,
                                _where(step.learner, lang, last_layer) if step.learner is not None else "")
        if named is None and step.kind == "missing":
            named = _missing_module(steps, index, model, lang, table, _position(previous, lang, last_layer))
        if named is not None:
            return named
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
                       layer=layer, fix=Fix("add", previous.module if previous is not None else "", row=ref))
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
    # an extra layer comes with its own activation: both go (removing the layer alone leaves an extra ReLU)
    after = steps[index + 1] if index + 1 < len(steps) else None
    if got.op not in ACTIVATIONS and after is not None and after.kind == "extra" and after.learner.op in ACTIVATIONS:
        fix = t("fix.remove_both", lang, what=what, position=position, activation=op_label(after.learner.op, lang))
        return Finding(kind, message, [message, why, fix], layer=layer,
                       fix=Fix("remove", got.module, also=(after.learner.module,)))
    return Finding(kind, message, [message, why, t("fix.remove", lang, what=what, position=position)], layer=layer,
                   fix=Fix("remove", got.module))


# -- the batch dimension and what forward returns ---------------------------------------------------
def merges_batch(row: OpRow) -> bool:
    """A reshape that does not keep dimension 0 as the batch: x.view(-1), torch.flatten(x), x.view(1, -1),
    a batch size written into the code, or x.squeeze() on a batch of one. (Shapes exclude dimension 0,
    so the values of one image no longer add up.)"""
    return row.op == "reshape" and math.prod(row.output_shape) != math.prod(row.input_shape)


def batch_finding(row: OpRow, where: str, count: int, model: str, lang: str, last_layer: int | None) -> Finding:
    """``row`` merges (or, with one image, removes) the batch dimension."""
    features = math.prod(row.input_shape)
    if count == 1:
        message = t("where.batch_single", lang, model=model, where=where, features=features, count=BATCH)
    else:
        message = t("where.batch_merged", lang, model=model, where=where, features=features, count=count,
                    total=count * features)
    return Finding("batch", message, [message, t("why.batch", lang), t("fix.batch", lang)], layer=last_layer,
                   suspect="start_dim")


def single_image_finding(rows: list[OpRow], batch_output: tuple[int, ...], single: TraceResult | None,
                         model: str, lang: str) -> Finding | None:
    """The model traced with one image: None when it behaves as with a batch."""
    if single is None or (single.error is None and single.output_shape == batch_output):
        return None
    culprit = next((row for row in single.rows if merges_batch(row)), None)
    last = None
    for row in single.rows:
        if row is culprit:
            break
        last = row.layer if row.layer is not None else last
    if culprit is not None:
        return batch_finding(culprit, _where(culprit, lang, last), 1, model, lang, last)
    message = t("where.batch_single_other", lang, model=model, count=BATCH)
    return Finding("batch", message, [message, t("why.batch", lang)], suspect="start_dim")


def returned(output_type: str, lang: str) -> str:
    """What forward returned, as a sentence says it: "None", "a tuple of 2", "a dict" (zh-TW: no article)."""
    if output_type == "NoneType":
        return "None"
    if normalize_lang(lang) != "en":
        return output_type
    return ("an " if output_type[:1] in "aeiou" else "a ") + output_type


def output_finding(output_type: str, output_shape: tuple[int, ...], model: str, lang: str) -> Finding | None:
    """None when forward returns a tensor; else what it returns instead, and how to return the scores."""
    if output_type == "Tensor":
        return None
    key = "where.returns_none" if output_type == "NoneType" else "where.returns_other"
    message = t(key, lang, model=model, type=returned(output_type, lang), shape="x".join(map(str, output_shape)) or "?")
    return Finding("output", message, [message, t("why.returns", lang), t("fix.returns", lang)])


# -- modules of parallel branches, named as their table names them ------------------------------------
def module_label(module: str, lang: str) -> str:
    """"inception 4c" for the module inception4c; the whole model when the module is the model itself."""
    if not module:
        return t("module.this", lang)
    found = re.search(r"inception_?(\d[a-z])", module)
    return f"inception {found.group(1)}" if found else module


def _learner_of(steps: list[Step]) -> dict[int, OpRow]:
    """The learner's row matched with each reference row (by the reference row's identity)."""
    return {id(step.reference): step.learner for step in steps if step.reference is not None and step.learner is not None}


def _branch_finding(steps: list[Step], index: int, model: str, lang: str, table: BranchTable,
                    reference: list[OpRow], where: str) -> Finding | None:
    """A convolution of an Inception module with the wrong width, said the way the paper's table says it:
    the module, the branch's column, and the module's output channels written out with the learner's numbers."""
    step = steps[index]
    ref, got = step.reference, step.learner
    if ref is None or got is None or ref.op != "conv2d" or got.op != "conv2d":
        return None
    if ref.hparams.get("out_channels") == got.hparams.get("out_channels"):
        return None
    position = next((i for i, row in enumerate(reference) if row is ref), None)
    for cat, row in enumerate(reference):
        found = branches(reference, cat) if row.op == "cat" else None
        if found is None:
            continue
        chains = found[1]
        for number, chain in enumerate(chains):
            convs = [i for i in chain if reference[i].op == "conv2d"]
            if position not in convs or number >= len(table.columns):
                continue
            column = table.columns[number][min(convs.index(position), len(table.columns[number]) - 1)]
            module = module_label(row.module, lang)
            facts = {"model": model, "module": module, "column": column, "where": where,
                     "filters": got.hparams["out_channels"], "table": ref.hparams["out_channels"]}
            learner = _learner_of(steps)
            ends = [reference[[i for i in chain if reference[i].op == "conv2d"][-1]] for chain in chains]
            widths = [learner[id(end)].hparams.get("out_channels") if id(end) in learner else None for end in ends]
            expected = [end.hparams["out_channels"] for end in ends]
            names = " + ".join(columns[-1] for columns in table.columns[: len(chains)])
            why = t("why.branch_sum", lang, columns=names, terms=" + ".join(map(str, expected)), expected=sum(expected))
            named = table.row_of(row.module)
            fix = t("fix.branch", lang, column=column, table=facts["table"], module=module)
            if named is not None:
                fix = sentences(lang, fix, t("fix.branch_row", lang, row=f"Inception({', '.join(map(str, named[1]))})"))
            if ref is ends[number] and None not in widths:  # the column is one of the module's outputs
                message = t("where.branch_sum", lang, **facts, got=sum(widths), expected=sum(expected),
                            terms=" + ".join(map(str, widths)))
            else:  # a 1x1 reduction before a 3x3 or 5x5: the module's output does not change
                message = t("where.branch_column", lang, **facts)
            return Finding("shape", message, [message, why, fix], layer=got.layer, suspect="out_channels",
                           fix=Fix("set", got.module, {"out_channels": facts["table"]}))
    return None


def _missing_module(steps: list[Step], index: int, model: str, lang: str, table: BranchTable, position: str
                    ) -> Finding | None:
    """A whole module of parallel branches left out (inception 4e): named, with its table row."""
    first = steps[index].reference
    if first is None or not first.module:
        return None
    top = first.module.split(".")[0]
    run = []
    for step in steps[index:]:
        if step.kind != "missing" or step.reference is None or step.reference.module.split(".")[0] != top:
            break
        run.append(step.reference)
    every = [step.reference for step in steps if step.reference is not None and step.reference.module.split(".")[0] == top]
    if len(run) != len(every) or not any(row.op == "cat" for row in run):
        return None
    module = module_label(top, lang)
    convs = sum(1 for row in run if row.op == "conv2d")
    message = t("where.missing_module", lang, model=model, module=module, position=position, convs=convs)
    named = table.row_of(top)
    row = f"Inception({', '.join(map(str, named[1]))})" if named else module
    return Finding("missing_layer", message, [message, t("why.missing_module", lang, module=module, row=row),
                                              t("fix.add", lang, layer_desc=row, position=position)],
                   layer=next((r.layer for r in run if r.layer is not None), None))


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


@dataclass(frozen=True)
class _Site:
    """The error where it was raised: its own explanation (the diagnosis when every row before it matches
    the reference) and one sentence saying what it is a consequence of (after a root cause upstream)."""

    finding: Finding
    because: str


def _site(error: ErrorInfo, partial: list[OpRow], model: str, lang: str,
          weights: tuple[tuple[str, tuple[int, ...]], ...] = ()) -> _Site | None:
    """``weights``: the learner's parameters (name, shape), to name the layer that raised before it ran."""
    detail = error.detail
    weights_done = sum(1 for row in partial if row.layer is not None)

    used = {name for row in partial for name in row.param_names}

    def named(index: int, shape: tuple[int, ...]) -> str:
        """The layer that raised: the first weight of that shape the rows that ran did not use."""
        module = next((name.rpartition(".")[0] for name, found in weights
                       if found == shape and name.endswith("weight") and name not in used), None)
        return weight_layer(index, module, lang)

    if match := _MATMUL.search(detail):
        features, expected = int(match.group(2)), int(match.group(3))
        expr, total = _features_expr(partial)
        expr = expr if total == features else f"{features:,}"
        weight = (int(match.group(4)), int(match.group(3)))  # nn.Linear keeps (out_features, in_features)
        facts = {"features_expr": expr, "layer": named(weights_done + 1, weight), "expected": expected}
        message = t("error.matmul", lang, model=model, **facts)
        hints = [message, t("error.matmul.why", lang, features_expr=expr), t("error.matmul.fix", lang, features=features)]
        return _Site(Finding("error", message, hints, layer=weights_done + 1, suspect="in_features",
                             fix=Fix("set", hparams={"in_features": features}, weight=weight)),
                     t("because.matmul", lang, **facts))
    if match := _CHANNELS.search(detail):
        expected, got = int(match.group(2)), int(match.group(3))
        weight = tuple(int(v) for v in found.groups()) if (found := _WEIGHT.search(detail)) else ()
        facts = {"layer": named(weights_done + 1, weight), "expected": expected, "got": got}
        message = t("error.channels", lang, model=model, **facts)
        # the first convolution reads the image: its in_channels is the image's, nothing before it can change
        fix = t("error.channels.fix_image", lang, got=got) if weights_done == 0 else t("error.channels.fix", lang, got=got)
        hints = [message, t("error.channels.why", lang, got=got), fix]
        return _Site(Finding("error", message, hints, layer=weights_done + 1, suspect="in_channels",
                             fix=Fix("set", hparams={"in_channels": got}, weight=weight)),
                     t("because.channels", lang, **facts))
    if match := _TOO_SMALL.search(detail):
        size, k = int(match.group(1)), int(match.group(3))
        index = weights_done if weights_done else 1
        last = next((row for row in reversed(partial) if row.layer is not None), None)
        message = t("error.too_small", lang, model=model, k=k, size=size,
                    layer=weight_layer(index, last.module if last is not None else None, lang))
        hints = [message, t("error.too_small.why", lang), t("error.too_small.fix", lang)]
        return _Site(Finding("error", message, hints, layer=index), t("because.too_small", lang, k=k, size=size))
    if _CAT.search(detail):
        message = t("error.cat", lang, model=model, detail=detail.splitlines()[0])
        hints = [message, t("error.cat.why", lang), t("error.cat.fix", lang)]
        return _Site(Finding("error", message, hints, layer=weights_done or None, suspect="padding"), t("because.cat", lang))
    return None


def diagnose_crash(error: ErrorInfo, raw: Finding, partial: list[OpRow], reference: list[OpRow], model: str, lang: str,
                   variants: tuple[Variant, ...] = (), table: BranchTable | None = None,
                   weights: tuple[tuple[str, tuple[int, ...]], ...] = ()) -> tuple[Finding, list[Step], int | None]:
    """A forward pass that raised. Root cause first: the rows that ran are aligned with the reference's first
    rows, and their first difference is the diagnosis, the error its consequence ("... That is why flatten
    then gives 576 features"). Only when every row before the error matches is the error site itself the
    diagnosis. The exception's own words, at the learner's line (``raw``), stay under hint 1. Returns the
    finding, the alignment and the index of the root cause in it."""
    steps = _crash_alignment(error, canonical(partial, reference, stopped=True), reference)
    found = first_divergence(steps)
    site = _site(error, partial, model, lang, weights)
    variant = recognise_variant(variants, partial)
    if found is not None:
        root = diagnose_step(steps, found[0], model, lang, table, reference)
        because = site.because if site is not None else t("because.other", lang, exc_type=error.exc_type or "Error")
        message = sentences(lang, root.message, because)  # the cause, its consequence, then what the code looks like
        finding = with_variant(replace(root, message=message, hints=[message, *root.hints[1:]]), variant, lang, reference)
    elif site is not None:
        finding = with_variant(site.finding, variant, lang, reference)
    else:
        last = partial[-1] if partial else None
        hints = list(raw.hints) or [raw.message]
        if last is not None and len(hints) == 1:  # no better explanation of the error than where it was
            hints += [t("error.generic.why", lang, last=f"{describe(last)} -> {shape_text(last.output_shape)}"),
                      t("error.generic.fix", lang)]
        return replace(raw, hints=hints, layer=sum(1 for row in partial if row.layer is not None) or None), steps, None
    # the exception's own words, at the learner's line, under the explanation
    hints = [f"{finding.hints[0]}\n{raw.message}", *finding.hints[1:]]
    return replace(finding, hints=hints, line=error.line), steps, found[0] if found else None


_WEIGHT = re.compile(r"weight of size \[(\d+), (\d+), (\d+), (\d+)\]")


def _crash_alignment(error: ErrorInfo, partial: list[OpRow], reference: list[OpRow]) -> list[Step]:
    """The rows that ran, aligned with the reference's first rows. Where the error names the weights of the
    layer that failed (torch says "weight of size [256, 832, 1, 1]", "400x120"), the reference's layer with
    those weights anchors the alignment: the learner's rows are everything before it (a module left out
    upstream is then missing, not an extra layer at the end)."""
    shape = None
    if (match := _MATMUL.search(error.detail)) is not None:
        shape = ("linear", {"in_features": int(match.group(3)), "out_features": int(match.group(4))})
    elif (match := _WEIGHT.search(error.detail)) is not None:
        out, inn, kh, kw = (int(v) for v in match.groups())
        shape = ("conv2d", {"out_channels": out, "in_channels": inn, "kernel_size": kh if kh == kw else (kh, kw)})
    anchors = [] if shape is None else [
        index for index, row in enumerate(reference)
        if row.op == shape[0] and all(row.hparams.get(name) == value for name, value in shape[1].items())]
    if not anchors:
        return align(reference, partial, stopped=True)
    return min((align(reference[:anchor], partial) for anchor in anchors), key=alignment_cost)


# -- well-known variants ----------------------------------------------------------------------------
def recognise_variant(variants: tuple[Variant, ...], rows: list[OpRow]) -> str | None:
    """The name of the first declared variant (chapter data) that the learner's rows match."""
    return next((variant.name for variant in variants if variant.matches(rows)), None)


def with_variant(finding: Finding, variant: str | None, lang: str, reference: list[OpRow] | None = None) -> Finding:
    """The finding with the variant's note after its message (the note says what this exercise asks for,
    with the reference's first convolution written out)."""
    if variant is None:
        return finding
    first = next((row for row in reference or () if row.op == "conv2d"), None)
    note = t(f"variant.{variant}", lang, first=describe(first) if first is not None else "nn.Conv2d")
    hints = [sentences(lang, finding.hints[0], note), *finding.hints[1:]] if finding.hints else [note]
    return replace(finding, message=sentences(lang, finding.message, note), hints=hints, variant=variant)


# -- what stopped the learner's code before any comparison -------------------------------------------
def _place(error: ErrorInfo, path: str, lang: str) -> str:
    """Where in the learner's file: 'lenet.py, line 12 (`x = self.fc(x)`)', or the file alone."""
    return t("place.line", lang, path=path, line=error.line, source=error.source) if error.line else path


def load_finding(error: ErrorInfo, path: str, name: str, lang: str, memory_mb: int) -> Finding:
    """The file did not import, the class is missing or no module, or building/running it raised."""
    kind = error.kind
    if kind == "syntax":
        message = t("load.syntax", lang, path=path, line=error.line, detail=error.detail)
    elif kind == "import":
        message = t("load.import", lang, place=_place(error, path, lang), exc_type=error.exc_type or "ImportError",
                    detail=error.detail)
    elif kind == "missing_class":
        key = "load.missing_class" if error.detail.startswith("no class") or not error.detail else "load.missing_function"
        if error.suggestion:
            message = t(f"{key}.suggest", lang, path=path, name=name, found=error.suggestion)
        else:
            message = t(key, lang, path=path, name=name)
    elif kind == "not_module":
        message = t("load.not_module", lang, path=path, name=name)
    elif kind == "not_implemented":
        message = t("load.not_implemented", lang, name=name, place=_place(error, path, lang))
    elif kind == "no_forward":
        message = t("load.no_forward", lang, name=name, path=path)
    elif kind == "memory":
        message = t("run.memory", lang, limit=memory_mb)
    elif kind == "internal":
        message = t("load.internal", lang, name=name, exc_type=error.exc_type, detail=error.detail)
    elif kind == "signature":
        message = t("load.signature", lang, place=_place(error, path, lang), name=name, detail=error.detail)
        return Finding(kind, message, [message, t("why.signature", lang), t("fix.signature", lang, name=name)],
                       line=error.line)
    else:
        stage = t(f"stage.{error.stage or 'forward'}", lang)
        message = t("load.error", lang, place=_place(error, path, lang), stage=stage, exc_type=error.exc_type or "Error",
                    detail=error.detail)
        if "cuda" in error.detail.lower() or "nvidia" in error.detail.lower():  # .cuda() on a machine with no GPU
            return Finding(kind, message, [message, t("why.cuda", lang), t("fix.cuda", lang)], line=error.line)
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
    """The first layer whose parameter count differs, with the formula; else a total that differs; else None.
    Before all: weight layers whose weights are not the model's parameters (a plain list of layers)."""
    hidden = [row for row in (step.learner for step in steps) if row is not None and unregistered(row)]
    if hidden:
        layers = join_list([ordinal(row.layer, lang) for row in hidden if row.layer is not None], lang)
        message = t("params.unregistered", lang, model=model, count=len(hidden), layers=layers, got=total,
                    expected=reference_total)
        return Finding("params", message, [message, t("why.unregistered", lang), t("fix.unregistered", lang)],
                       layer=hidden[0].layer)
    for step in steps:
        ref, got = step.reference, step.learner
        if ref is None or got is None or ref.op != got.op or ref.params == got.params:
            continue
        if read_as_linear(got):  # a convolution over the whole map: speak of it as the learner wrote it
            ref, got = _as_convolution(ref, got.written_as), got.written_as
        where = _where(got, lang, None) if got.layer else op_label(got.op, lang)
        message = t("params.layer", lang, model=model, where=where, got=got.params, expected=ref.params)
        hints = [message]
        if got.op in ("conv2d", "linear"):
            hints.append(_params_formula(got, lang).up_to_result())
        if got.hparams.get("bias") is False and ref.hparams.get("bias") is True:
            hints[0] = t("params.bias", lang, model=model, where=where)
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
        hints.append(t("params.unused", lang, count=total - used, names=join_list([*unused[:5], *(["..."] if len(unused) > 5 else [])], lang)))
        hints.append(t("fix.unused", lang))
    return Finding("params", message, hints)


def num_classes_finding(result: NumClassesResult, last: OpRow | None, reference: list[OpRow], num_classes: int,
                        model: str, lang: str) -> Finding | None:
    """None when the model built with num_classes=asked outputs ``asked`` values. The example fix is the
    reference's first layer that outputs the classes, written with num_classes."""
    asked = result.asked
    if result.error is None and result.output_shape == (asked,):
        return None
    if result.error is None and result.output_type != "Tensor":
        message = t("num_classes.not_tensor", lang, model=model, asked=asked, type=returned(result.output_type, lang))
    elif result.error is None and result.output_shape and len(result.output_shape) == 1:
        message = t("num_classes.wrong", lang, model=model, asked=asked, got=result.output_shape[0])
    elif result.error is None and result.output_shape:  # one value per image is not one number per class
        message = t("num_classes.shape", lang, model=model, asked=asked, shape=shape_text(result.output_shape))
    elif result.error is None:  # a scalar
        message = t("num_classes.no_tensor", lang, model=model, asked=asked)
    elif result.error.kind == "signature":  # no num_classes parameter at all
        message = t("num_classes.no_parameter", lang, model=model, asked=asked)
        return Finding("num_classes", message, [message, t("num_classes.why", lang), t("fix.signature", lang, name=model)],
                       layer=last.layer if last else None, suspect="num_classes", line=result.error.line)
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
    if status == "unregistered":
        message = t("function.unregistered", lang, model=model)
        return Finding("function", message, [message, t("why.unregistered", lang), t("fix.unregistered", lang)])
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
    # the first weight layer whose values differ (or, when the weights do not fit, the first that does not take
    # them), named as the learner wrote it (the reference's where it has none)
    index = result.fitted if status == "parameters" else (result.first_differs or 0) - 1
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
        message = t("function.not_tensor", lang, model=model, type=returned(result.output_type, lang))
        return Finding("output", message, [message, t("why.returns", lang), t("fix.returns", lang)])
    if status == "shape":
        message = t("function.output_shape", lang, model=model, matched=result.matched_layers, total=result.layers)
        return Finding("function", message, [message, t("function.not_tensor_fix", lang)], layer=layer)
    concat = concat_order_mistakes(learner)
    if structure_passed or concat or result.probabilities or result.log_probabilities or first is None:
        message = t("function.differs", lang, model=model, diff=result.max_abs_diff, scale=result.scale)
    else:  # the structure differs: say how far the values are right, and where they stop being so
        message = t("function.differs_at", lang, model=model, diff=result.max_abs_diff, scale=result.scale,
                    matched=result.matched_layers, total=result.layers, where=where)
    if concat:
        module, joined, expected = concat[0]
        detail = t("function.concat", lang, module=module, joined=join_list(joined, lang), expected=join_list(expected, lang))
        message = sentences(lang, message, detail)
        hints = [message, t("function.why", lang), t("function.concat_fix", lang, expected=join_list(expected, lang))]
    elif result.probabilities:
        hints = [message, t("why.extra_softmax", lang), t("function.softmax", lang)]
    elif result.log_probabilities:
        hints = [message, t("why.extra_softmax", lang), t("function.log_softmax", lang)]
    elif not structure_passed and first is not None:
        hints = [message, t("function.differs_why", lang, where=where, model=model), t("function.fix", lang, hint=chapter_hint)]
    else:
        hints = [message, t("function.why", lang), t("function.fix", lang, hint=chapter_hint)]
    return Finding("function", message, hints, layer=layer if not structure_passed else None)
