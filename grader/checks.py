"""The checks, each a pure function of the chapter's facts, one model's comparison and the language.

    structure    every op, its hyperparameters and output shape, aligned with the reference
    params       per layer and in total
    num_classes  the model built with another num_classes outputs that many values
    function     with the reference's weights, the same outputs

A ``Comparison`` is what the pipeline knows about one model once the child has answered: the reference,
the child's stage-1 probe, the alignment, the stage-2 result. Diagnosis text lives in grader.diagnose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader import worked
from grader.chapters import Chapter, ModelSpec
from grader.compare import Step, activation_bytes, is_optional, read_as_linear
from grader.diagnose import (
    Finding,
    diagnose_step,
    function_finding,
    load_finding,
    num_classes_finding,
    output_finding,
    params_finding,
    recognise_variant,
    single_image_finding,
    with_variant,
)
from grader.protocol import FormulaResult, FunctionResult, OpRow, StructureProbe, WorksheetProbe
from grader.reference import Reference
from grader.report import Check
from grader.scoring import DEFAULT, Scoring
from grader.text import sentences, t
from grader.worksheets import Blank, check_value

__all__ = ["Comparison", "Limits", "structure_check", "params_check", "num_classes_check", "function_check",
           "failed", "formula_check", "worksheet_checks", "structure_matched", "params_matched", "function_matched"]


@dataclass(frozen=True)
class Limits:
    """The limits the learner's code ran under (the messages name them)."""

    timeout: float
    memory_mb: int


@dataclass(frozen=True)
class Comparison:
    """One model of the learner's file, compared with its reference."""

    reference: Reference
    probe: StructureProbe  # stage 1: its trace (complete) and its num_classes build
    learner: tuple[OpRow, ...]  # the learner's rows, parallel branches in the reference's order
    steps: tuple[Step, ...]
    divergence: int | None  # index into steps of the first difference
    function: FunctionResult | None  # stage 2; None when it never arrived
    path: str  # the learner's file as the messages show it
    scoring: Scoring = DEFAULT


# -- how much of the reference each check found: the measures the scoring rule turns into points ---------
_DERIVED = {"in_channels", "in_features", "bias"}  # set by the layer before (or judged by the params check)


def _counted(steps: tuple[Step, ...] | list[Step]) -> list[Step]:
    """The steps that count: a no-op layer (AlexNet's AdaptiveAvgPool2d(6) on a 6x6 map) missing or extra does not."""
    return [step for step in steps if not (step.kind == "missing" and is_optional(step.reference))  # type: ignore[arg-type]
            and not (step.kind == "extra" and is_optional(step.learner))]  # type: ignore[arg-type]


def _own_settings(row: OpRow) -> dict[str, object]:
    return {name: value for name, value in row.hparams.items() if name not in _DERIVED}


def structure_matched(steps: tuple[Step, ...] | list[Step]) -> float:
    """The share of the aligned operations that are the reference's: the same operation with the same own
    settings. A layer whose shapes changed only because an earlier layer changed them (its input channels
    or features, its output size) still counts: the one mistake is counted once, where it is."""
    counted = _counted(steps)
    if not counted:
        return 0.0
    good = sum(1 for step in counted if step.kind == "same" or (
        step.kind == "changed" and step.reference.op == step.learner.op  # type: ignore[union-attr]
        and _own_settings(step.reference) == _own_settings(step.learner)))  # type: ignore[arg-type]
    return good / len(counted)


def params_matched(steps: tuple[Step, ...] | list[Step]) -> float:
    """The share of the reference's layers with parameters whose parameter count the learner's layer has."""
    layers = [step for step in steps if step.reference is not None and step.reference.params]
    if not layers:
        return 0.0
    good = sum(1 for step in layers if step.learner is not None and step.learner.op == step.reference.op  # type: ignore[union-attr]
               and step.learner.params == step.reference.params)  # type: ignore[union-attr]
    return good / len(layers)


def function_matched(result: FunctionResult | None) -> float:
    """The share of the reference's weight layers that compute the reference's values with its weights."""
    if result is None or not result.layers:
        return 0.0
    return result.matched_layers / result.layers


def _check(chapter: Chapter, check_id: str, finding: Finding | None, message: str = "", model: str | None = None,
           matched: float = 0.0, scoring: Scoring = DEFAULT) -> Check:
    """A passed check with ``message``, or a failed one with the finding; its points by ``scoring``."""
    points = scoring.max_points(chapter, check_id)
    if finding is None:
        return Check(check_id, True, points, points, message=message, model=model, matched=1.0)
    return Check(check_id, False, scoring.earned(points, False, matched), points, kind=finding.kind, layer=finding.layer,
                 suspect=finding.suspect, message=finding.message, hints=list(finding.hints), model=model,
                 line=finding.line, variant=finding.variant, matched=matched, fix=finding.fix)


def failed(chapter: Chapter, check_ids: list[str], finding: Finding, model: str | None = None,
           scoring: Scoring = DEFAULT) -> list[Check]:
    """One problem (the file does not import, the child timed out, ...) fails every check it stops."""
    return [_check(chapter, check_id, finding, model=model, scoring=scoring) for check_id in check_ids]


def structure_check(chapter: Chapter, spec: ModelSpec, comparison: Comparison, lang: str) -> Check:
    check_id = f"{spec.label}.structure"
    if comparison.divergence is None:
        traced = comparison.probe.trace
        assert traced is not None
        # every layer matches: what forward returns, and the same with one image as with a batch
        finding = output_finding(traced.output_type, traced.output_shape, spec.label, lang) or single_image_finding(
            list(comparison.learner), traced.output_shape, comparison.probe.single, spec.label, lang)
        depth = sum(1 for row in comparison.learner if row.layer is not None)
        message = t("passed.structure", lang, model=spec.label, layers=len(comparison.learner), depth=depth)
        as_linear = sum(1 for row in comparison.learner if read_as_linear(row))
        if as_linear:
            message = sentences(lang, message, t("passed.conv_as_linear", lang, count=as_linear))
        return _check(chapter, check_id, finding, message, spec.label, scoring=comparison.scoring,
                      matched=structure_matched(comparison.steps) if finding is not None else 0.0)
    finding = diagnose_step(list(comparison.steps), comparison.divergence, spec.label, lang, chapter.branch_table,
                            list(comparison.reference.rows))
    finding = with_variant(finding, recognise_variant(chapter.variants, list(comparison.learner)), lang,
                           list(comparison.reference.rows))
    return _check(chapter, check_id, finding, model=spec.label, matched=structure_matched(comparison.steps),
                  scoring=comparison.scoring)


def params_check(chapter: Chapter, spec: ModelSpec, comparison: Comparison, lang: str) -> Check:
    traced = comparison.probe.trace
    assert traced is not None
    used = sum(row.params for row in comparison.learner)
    finding = params_finding(list(comparison.steps), traced.total_params, comparison.reference.total_params, used,
                             traced.unused_params, spec.label, lang)
    message = t("passed.params", lang, model=spec.label, total=traced.total_params)
    return _check(chapter, f"{spec.label}.params", finding, message, spec.label, params_matched(comparison.steps),
                  comparison.scoring)


def num_classes_check(chapter: Chapter, spec: ModelSpec, comparison: Comparison, lang: str) -> Check:
    result = comparison.probe.num_classes
    assert result is not None
    last = next((row for row in reversed(comparison.learner) if row.layer is not None), None)
    finding = num_classes_finding(result, last, list(comparison.reference.rows), spec.num_classes or 0, spec.label, lang)
    message = t("passed.num_classes", lang, model=spec.label, asked=result.asked)
    return _check(chapter, f"{spec.label}.num_classes", finding, message, spec.label, scoring=comparison.scoring)


def function_check(chapter: Chapter, spec: ModelSpec, comparison: Comparison, lang: str, limits: Limits) -> Check:
    hint = " ".join(chapter.hints.get(lang, ())[:1])  # the chapter's first static hint
    finding = function_finding(
        comparison.function, structure_passed=comparison.divergence is None, learner=list(comparison.learner),
        reference_macs=comparison.reference.total_macs, reference_bytes=activation_bytes(comparison.reference.rows),
        model=spec.label, path=comparison.path, lang=lang, timeout=limits.timeout, memory_mb=limits.memory_mb,
        chapter_hint=hint, reference=list(comparison.reference.rows),
    )
    return _check(chapter, f"{spec.label}.function", finding, t("passed.function", lang, model=spec.label), spec.label,
                  function_matched(comparison.function), comparison.scoring)


def formula_check(chapter: Chapter, result: FormulaResult, path: str, lang: str, limits: Limits,
                  scoring: Scoring = DEFAULT) -> Check:
    """Chapter 0: one of the learner's formula functions."""
    check_id = f"formulas.{result.name}"
    if result.passed:
        return _check(chapter, check_id, None, t("passed.formulas", lang, name=result.name, cases=result.cases),
                      scoring=scoring)
    if result.error is not None and result.error.kind in ("missing_class", "not_implemented", "syntax", "import"):
        finding = load_finding(result.error, path, result.name, lang, limits.memory_mb)
    elif result.error is not None:
        message = t("formula.error", lang, name=result.name, args=result.args or "()", exc_type=result.error.exc_type,
                    detail=result.error.detail)
        finding = Finding(result.error.kind, message, [message], line=result.error.line)
    else:
        message = t("formula.wrong", lang, name=result.name, args=result.args, got=result.got, expected=result.expected)
        finding = Finding("formula", message, [message])
    # hint 2: the formula written out for the case it got wrong; hint 3: what this formula is about
    worked_out = _worked_case(result.name, result.case, lang)
    hints = [*finding.hints[:1], *([worked_out] if worked_out else []), t(f"formula.hint.{result.name}", lang)]
    return _check(chapter, check_id, Finding(finding.kind, finding.message, hints, line=finding.line), scoring=scoring)


def _worked_case(name: str, case: tuple[Any, ...], lang: str) -> str | None:
    """grader.worked's formula for one of chapter 0's cases (the learner's function's arguments)."""
    if not case:
        return None
    if name == "conv_output_size":
        size, kernel, stride, padding = (*case, 1, 0)[:4]
        formula = worked.conv_size(size, kernel, stride, padding, lang=lang)
    elif name == "pool_output_size":
        size, kernel, stride, padding = (*case, None, 0)[:4]
        formula = worked.pool_size(size, kernel, kernel if stride is None else stride, padding, lang=lang)
    elif name == "conv_params":
        formula = worked.conv_params(case[0], case[1], case[2], lang=lang)
    elif name == "linear_params":
        formula = worked.linear_params(case[0], case[1], lang=lang)
    else:
        formula = worked.receptive_field([tuple(layer) for layer in case[0]], lang=lang)
    return formula.up_to_result()


def worksheet_checks(chapter: Chapter, blanks: tuple[Blank, ...], probe: WorksheetProbe, lang: str,
                     scoring: Scoring = DEFAULT) -> list[Check]:
    """One check per blank of the chapter's worksheet."""
    checks = []
    for blank in blanks:
        check_id = f"worksheet.{blank.name}"
        question = t(blank.question, lang)
        hints = [t("worksheet.hint", lang, formula=t(blank.hint, lang))]
        expected = blank.answer()
        if isinstance(expected, tuple):
            hints.append(t("worksheet.shape", lang))
        value = probe.values.get(blank.name)
        if blank.name in probe.missing:
            message = t("worksheet.missing", lang, name=blank.name)
            finding: Finding | None = Finding("missing_class", message, [message, *hints])
        elif value is None or value is Ellipsis:
            finding = Finding("not_implemented", t("worksheet.blank", lang, name=blank.name, question=question), hints)
        elif check_value(expected, value):
            finding = None
        else:
            finding = Finding("worksheet", t("worksheet.wrong", lang, name=blank.name, value=value, question=question), hints)
        checks.append(_check(chapter, check_id, finding, t("worksheet.right", lang, name=blank.name, value=value),
                             scoring=scoring))
    return checks

