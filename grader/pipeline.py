"""``grade()``: the grader as one readable pipeline.

    load -> build -> trace      in the isolated child, stage 1 (grader.probe, via grader.isolate)
    run with the reference's weights                    stage 2, one model at a time, its own time budget
    compare -> diagnose         here, in the parent (grader.compare, grader.diagnose, grader.checks)
    report                      grader.report; renderers only render it

The parent never imports torch: the references are data (grader.reference), the child's answers are
typed (grader.protocol).
"""

from __future__ import annotations

import time
from pathlib import Path

from grader import reference
from grader.chapters import FORMULA_FUNCTIONS, Chapter, ModelSpec, get_chapter
from grader.checks import (
    Comparison,
    Limits,
    failed,
    formula_check,
    function_check,
    num_classes_check,
    params_check,
    structure_check,
    worksheet_checks,
)
from grader.compare import align, canonical, first_divergence
from grader.diagnose import Finding, diagnose_crash, load_finding, outcome_finding
from grader.isolate import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Outcome, run_isolated
from grader.protocol import ChapterProbe, FunctionResult, StructureProbe, WorksheetProbe
from grader.report import Check, ModelView, Report
from grader.scoring import DEFAULT, Scoring
from grader.text import normalize_lang, t
from grader.worksheets import WORKSHEETS

__all__ = ["grade", "grade_worksheet"]


def _shown(path: Path) -> str:
    """A file as the learner knows it: relative to the current folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _no_file(path: str, lang: str) -> Finding:
    return Finding("import", t("load.no_file", lang, path=path))


def _stopped(outcome: Outcome, path: str, lang: str, limits: Limits) -> Finding:
    return outcome_finding(outcome.status, path, lang, timeout=limits.timeout, memory_mb=limits.memory_mb,
                           exit_code=outcome.exit_code, signal=outcome.signal, output=outcome.output)


def _model_checks(chapter: Chapter, spec: ModelSpec, probe: StructureProbe, functions: dict[str, FunctionResult], path: str,
                  lang: str, limits: Limits, views: dict[str, ModelView], stopped: Finding | None,
                  scoring: Scoring) -> list[Check]:
    """The checks of one model, from its stage-1 probe and its stage-2 result."""
    ref = reference.for_spec(spec)
    ids = [f"{spec.label}.{check}" for check in spec.checks]
    if probe.error is not None:
        views[spec.label] = ModelView(spec.label, ref.rows)
        return failed(chapter, ids, load_finding(probe.error, path, spec.label, lang, limits.memory_mb), spec.label,
                      scoring)
    traced = probe.trace
    if traced.error is not None:
        finding = load_finding(traced.error, path, spec.label, lang, limits.memory_mb)
        steps, divergence = [], None
        if traced.error.kind == "error":  # the forward pass raised: its root cause, upstream of where it did
            finding, steps, divergence = diagnose_crash(traced.error, finding, list(traced.rows), list(ref.rows),
                                                        spec.label, lang, chapter.variants, chapter.branch_table,
                                                        traced.weights)
        views[spec.label] = ModelView(spec.label, ref.rows, traced.rows, tuple(steps), divergence)
        return failed(chapter, ids, finding, spec.label, scoring)
    # parallel branches computed in another order, a fully-connected layer written as a convolution over the
    # whole map: the same function, compared as the reference writes it
    learner = tuple(canonical(list(traced.rows), list(ref.rows)))
    steps = tuple(align(list(ref.rows), list(learner)))
    found = first_divergence(list(steps))
    function = functions.get(spec.label)
    if function is None and stopped is not None and stopped.kind == "timeout":
        # stage 2 ran out of time: the model is slow, not stuck (stage 1 traced it within its own budget)
        function = FunctionResult(spec.label, "too_slow", macs=sum(row.macs for row in learner))
    comparison = Comparison(ref, probe, learner, steps, found[0] if found else None, function, path, scoring)
    views[spec.label] = ModelView(spec.label, ref.rows, learner, steps, comparison.divergence)
    checks = [structure_check(chapter, spec, comparison, lang), params_check(chapter, spec, comparison, lang)]
    if "num_classes" in spec.checks:
        checks.append(num_classes_check(chapter, spec, comparison, lang))
    if "function" in spec.checks:
        if function is None and stopped is not None:  # the run with real weights exited, crashed or ran out of memory
            checks += failed(chapter, [f"{spec.label}.function"], stopped, spec.label, scoring)
        else:
            checks.append(function_check(chapter, spec, comparison, lang, limits))
    return checks


def _chapter_checks(chapter: Chapter, specs: list[ModelSpec], outcome: Outcome, path: str, lang: str,
                    limits: Limits, views: dict[str, ModelView], scoring: Scoring) -> list[Check]:
    stage1 = outcome.stages[0] if outcome.stages else None
    stopped = None if outcome.status == "ok" else _stopped(outcome, path, lang, limits)
    if not isinstance(stage1, ChapterProbe):  # stage 1 never answered: nothing is known
        assert stopped is not None
        return failed(chapter, _ids(chapter, specs), stopped, scoring=scoring)
    if stage1.error is not None:
        name = specs[0].class_name if specs else Path(path).name
        return failed(chapter, _ids(chapter, specs), load_finding(stage1.error, path, name, lang, limits.memory_mb),
                      scoring=scoring)
    if not chapter.models:
        return [formula_check(chapter, result, path, lang, limits, scoring) for result in stage1.formulas]
    functions = {result.model: result for result in outcome.stages[1:]}
    checks = []
    for spec, probe in zip(specs, stage1.models, strict=True):
        checks += _model_checks(chapter, spec, probe, functions, path, lang, limits, views, stopped, scoring)
    return checks


def _ids(chapter: Chapter, specs: list[ModelSpec]) -> list[str]:
    if not chapter.models:
        return [f"formulas.{name}" for name in FORMULA_FUNCTIONS]
    return [f"{spec.label}.{check}" for spec in specs for check in spec.checks]


def _worksheet(chapter: Chapter, file: Path, lang: str, limits: Limits, scoring: Scoring) -> tuple[list[Check], str]:
    blanks = WORKSHEETS.get(chapter.id, ())
    shown = _shown(file)
    ids = [f"worksheet.{blank.name}" for blank in blanks]
    if not file.is_file():
        return failed(chapter, ids, _no_file(shown, lang), scoring=scoring), ""
    outcome = run_isolated("grader.probe:probe_worksheet", str(file.resolve()), [blank.name for blank in blanks],
                           timeout=limits.timeout, memory_mb=limits.memory_mb)
    if outcome.status != "ok":
        return failed(chapter, ids, _stopped(outcome, shown, lang, limits), scoring=scoring), outcome.output
    probe: WorksheetProbe = outcome.value
    if probe.error is not None:
        return (failed(chapter, ids, load_finding(probe.error, shown, "worksheet", lang, limits.memory_mb), scoring=scoring),
                outcome.output)
    return worksheet_checks(chapter, blanks, probe, lang, scoring), outcome.output


def grade_worksheet(chapter: str, path: str | Path | None = None, lang: str = "en", *,
                    timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                    scoring: Scoring = DEFAULT) -> Report:
    """Grade the learner's worksheet for ``chapter`` (default: exercises/<chapter>/worksheet.py)."""
    lang = normalize_lang(lang)
    found = get_chapter(chapter)
    file = Path(path) if path is not None else found.worksheet_path()
    start = time.monotonic()
    checks, output = _worksheet(found, file, lang, Limits(timeout, memory_mb), scoring)
    return Report(found.id, _shown(file), lang, checks, seconds=time.monotonic() - start, output=output)


def grade(
    chapter: str,
    path: str | Path | None = None,
    lang: str = "en",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    hidden_cases: int = 50,
    seed: int | None = None,
    worksheet: bool | None = None,
    bonus: bool = False,
    scoring: Scoring = DEFAULT,
) -> Report:
    """Grade the learner's file for ``chapter`` (default: its file in exercises/).

    ``timeout`` is each stage's budget: building and tracing every model, then running each one.
    ``worksheet``: also grade the chapter's worksheet (default: only when grading the learner's own
    chapter in exercises/, i.e. when no ``path`` is given). ``scoring``: points per check and the partial-credit
    rule (grader.scoring; a course's ``course.toml``)."""
    lang = normalize_lang(lang)
    found = get_chapter(chapter)
    file = Path(path) if path is not None else found.exercise_path()
    shown = _shown(file)
    limits = Limits(timeout, memory_mb)
    specs = list(found.specs(bonus))
    start = time.monotonic()
    views: dict[str, ModelView] = {}
    if not file.is_file():
        return Report(found.id, shown, lang, failed(found, _ids(found, specs), _no_file(shown, lang), scoring=scoring))
    references = {spec.label: reference.for_spec(spec).rows for spec in specs}
    expected = reference.functions([spec for spec in specs if "function" in spec.checks])
    outcome = run_isolated("grader.probe:probe_chapter", found.id, str(file.resolve()), references, expected, hidden_cases,
                           seed, bonus, memory_mb, timeout=timeout, memory_mb=memory_mb)
    checks = _chapter_checks(found, specs, outcome, shown, lang, limits, views, scoring)
    output = outcome.output
    if worksheet or (worksheet is None and path is None):
        sheet, sheet_output = _worksheet(found, found.worksheet_path(), lang, limits, scoring)
        checks = sheet + checks
        output += sheet_output
    return Report(found.id, shown, lang, checks, seconds=time.monotonic() - start, models=views, output=output)
