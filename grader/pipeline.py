"""``grade()``: the grader as one readable pipeline.

    load -> build -> trace     (in an isolated child: grader.probe, via grader.isolate)
    compare -> diagnose        (here, in the parent: grader.compare, grader.diagnose)
    report                     (grader.report; renderers only render it)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import torch

from grader.chapters import FORMULA_FUNCTIONS, Chapter, ModelSpec, get_chapter
from grader.compare import align, canonical_branches, concat_order_mistakes, first_divergence, rows_from_dicts
from grader.diagnose import Finding, describe, diagnose_error, diagnose_step, recognise_variant
from grader.isolate import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Outcome, run_isolated
from grader.probe import probe_chapter, probe_worksheet, reference_class
from grader.report import Check, ModelView, Report
from grader.text import normalize_lang, op_label, t
from grader.trace import OpRow, trace
from grader.worksheets import WORKSHEETS, check_value

__all__ = ["grade", "grade_worksheet", "reference_rows"]


_REFERENCE_ROWS: dict[str, tuple[OpRow, ...]] = {}


def reference_rows(spec: ModelSpec) -> list[OpRow]:
    """The reference's op trace for a chapter's model (traced once per process, on the meta device)."""
    key = repr((spec.reference, spec.args, sorted(spec.kwargs.items()), spec.input_shape))
    if key not in _REFERENCE_ROWS:
        with torch.device("meta"):
            model = reference_class(spec)(*spec.args, **spec.kwargs)
        _REFERENCE_ROWS[key] = tuple(trace(model, spec.input_shape).rows)
    return list(_REFERENCE_ROWS[key])


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _at(line: int | None, source: str, lang: str) -> str:
    return t("at.line", lang, line=line, source=source) if line else ""


def _all_fail(chapter: Chapter, finding: Finding, models: list[ModelSpec] | None = None) -> list[Check]:
    """One problem (the file does not load, the child timed out, ...) fails every check it stops."""
    checks = []
    for spec in models if models is not None else list(chapter.models):
        for check in spec.checks:
            checks.append(Check(id=f"{spec.label}.{check}", passed=False, points=0, max_points=chapter.points[check],
                                kind=finding.kind, layer=finding.layer, suspect=finding.suspect, message=finding.message,
                                hints=list(finding.hints), model=spec.label))
    if not chapter.models:
        for name in FORMULA_FUNCTIONS:
            checks.append(Check(id=f"formulas.{name}", passed=False, points=0, max_points=chapter.formula_points,
                                kind=finding.kind, message=finding.message, hints=list(finding.hints)))
    return checks


def _outcome_finding(outcome: Outcome, path: str, timeout: float, memory_mb: int, lang: str) -> Finding:
    if outcome.status == "timeout":
        kind, message = "timeout", t("run.timeout", lang, seconds=timeout)
    elif outcome.status == "memory":
        kind, message = "memory", t("run.memory", lang, limit=memory_mb)
    elif outcome.status == "exit":
        kind, message = "exit", t("run.exit", lang, code=outcome.exit_code, path=path)
    else:
        kind, message = "error", t("run.crash", lang, signal=outcome.signal)
    hints = [message, t(f"run.{kind}.why", lang), t("run.fix", lang, path=path)]
    if outcome.output.strip():  # the last lines the learner's code printed often say where it was
        hints.append(t("run.output", lang, output=outcome.output.strip()[-600:]))
    return Finding(kind, message, hints)


def _load_finding(load: dict[str, Any], path: str, name: str, lang: str, memory_mb: int = DEFAULT_MEMORY_MB) -> Finding:
    kind = load.get("kind", "error")
    at = _at(load.get("line"), load.get("source", ""), lang)
    detail = load.get("message", "")
    if kind == "syntax":
        text = detail.split("syntax error: ", 1)[-1]
        message = t("load.syntax", lang, path=path, line=load.get("line"), detail=text)
    elif kind == "import":
        message = t("load.import", lang, path=path, at=at, exc_type=load.get("exc_type", "ImportError"), detail=detail)
    elif kind == "missing_class":
        suggestion = load.get("suggestion")
        extra = t("load.suggestion", lang, name=suggestion, wanted=name) if suggestion else ""
        message = t("load.missing_class", lang, path=path, name=name, suggestion=extra)
    elif kind == "not_module":
        message = t("load.not_module", lang, path=path, name=name)
    elif kind == "not_implemented":
        message = t("load.not_implemented", lang, name=name, path=path, at=at)
    elif kind == "memory":
        message = t("run.memory", lang, limit=memory_mb)
    else:
        stage = t(f"stage.{load.get('stage', 'forward')}", lang)
        message = t("load.error", lang, path=path, at=at, stage=stage, exc_type=load.get("exc_type", "Error"), detail=detail)
    return Finding(kind, message, [message])


def _structure(spec: ModelSpec, chapter: Chapter, ref: list[OpRow], got: list[OpRow], lang: str,
               view: ModelView) -> tuple[Check, Finding | None]:
    steps = align(ref, got)
    view.steps, view.learner_rows = steps, got
    found = first_divergence(steps)
    points = chapter.points["structure"]
    check_id = f"{spec.label}.structure"
    if found is None:
        depth = sum(1 for row in got if row.layer is not None)
        message = t("passed.structure", lang, model=spec.label, layers=len(got), depth=depth)
        return Check(check_id, True, points, points, message=message, model=spec.label), None
    index, _ = found
    view.divergence = index
    finding = diagnose_step(steps, index, spec.label, lang)
    variant = recognise_variant(chapter.id, got)
    if variant:
        finding.variant = variant
        note = t(f"variant.{variant}", lang)
        finding.hints = [f"{finding.hints[0]} {note}", *finding.hints[1:]]
        finding.message = f"{finding.message} {note}"
    return Check(check_id, False, 0, points, kind=finding.kind, layer=finding.layer, suspect=finding.suspect,
                 message=finding.message, hints=finding.hints, model=spec.label, variant=finding.variant), finding


def _params(spec: ModelSpec, chapter: Chapter, view: ModelView, traced: dict[str, Any], lang: str) -> Check:
    points = chapter.points["params"]
    check_id = f"{spec.label}.params"
    ref_total = sum(row.params for row in view.reference_rows)
    got_total = int(traced["total_params"])
    for step in view.steps:
        ref, got = step.reference, step.learner
        if ref is None or got is None or ref.op != got.op or ref.params == got.params:
            continue
        where = f"{op_label(got.op, lang)} {got.layer} ({got.module or 'forward'})" if got.layer else op_label(got.op, lang)
        message = f"{spec.label}: " + t("params.layer", lang, where=where, got=got.params, expected=ref.params)
        hints = [message]
        h = got.hparams
        if got.op == "conv2d":
            kh, kw = (h["kernel_size"], h["kernel_size"]) if isinstance(h["kernel_size"], int) else h["kernel_size"]
            hints.append(t("why.params_conv", lang, out=h["out_channels"], inn=h["in_channels"] // h.get("groups", 1),
                             k=kh, k2=kw, bias=h["out_channels"] if h.get("bias") else 0, total=got.params))
        elif got.op == "linear":
            hints.append(t("why.params_linear", lang, inn=h["in_features"], out=h["out_features"],
                             bias=h["out_features"] if h.get("bias") else 0, total=got.params))
        if got.hparams.get("bias") is False and ref.hparams.get("bias") is True:
            hints[0] = f"{spec.label}: " + t("params.bias", lang, where=where)
            hints.append(t("fix.bias", lang))
        else:
            hints.append(t("fix.replace", lang, expected_desc=describe(ref)))
        suspect = next((n for n in ("out_channels", "kernel_size", "in_channels", "out_features", "in_features")
                        if ref.hparams.get(n) != got.hparams.get(n)), None)
        return Check(check_id, False, 0, points, kind="params", layer=got.layer, suspect=suspect, message=hints[0],
                     hints=hints, model=spec.label)
    if got_total != ref_total:
        message = f"{spec.label}: " + t("params.total", lang, model=spec.label, got=got_total, expected=ref_total)
        used = sum(row.params for row in view.learner_rows)
        hints = [message]
        if used < got_total:
            unused = traced.get("unused_params") or []
            hints.append(t("params.unused", lang, count=got_total - used, names=", ".join(unused[:5]) or "?"))
            hints.append(t("fix.unused", lang))
        return Check(check_id, False, 0, points, kind="params", message=message, hints=hints, model=spec.label)
    message = t("passed.params", lang, model=spec.label, total=got_total)
    return Check(check_id, True, points, points, message=message, model=spec.label)


def _num_classes(spec: ModelSpec, chapter: Chapter, probe: dict[str, Any], learner: list[OpRow], lang: str) -> Check:
    points = chapter.points["num_classes"]
    check_id = f"{spec.label}.num_classes"
    info = probe.get("num_classes") or {}
    asked = info.get("asked")
    last = next((row for row in reversed(learner) if row.layer is not None), None)
    if info.get("ok") and info.get("output_shape") == [asked]:
        return Check(check_id, True, points, points, message=t("passed.num_classes", lang, model=spec.label, asked=asked),
                     model=spec.label)
    layer = last.layer if last else None
    if info.get("ok"):
        got = "x".join(map(str, info.get("output_shape") or []))
        message = t("num_classes.wrong", lang, model=spec.label, asked=asked, got=got)
        example = "nn.Linear(4096, num_classes)" if last is None or last.op == "linear" else "nn.Conv2d(384, num_classes, kernel_size=3, padding=1)"
        if last is not None and last.op == "linear":
            example = f"nn.Linear({last.hparams['in_features']}, num_classes)"
        hints = [message, t("num_classes.why", lang), t("num_classes.fix", lang, example=example)]
    else:
        detail = (info.get("error") or {}).get("message", "")
        message = t("num_classes.error", lang, model=spec.label, asked=asked, detail=detail)
        hints = [message, t("num_classes.why", lang), t("num_classes.fix", lang, example="nn.Linear(..., num_classes)")]
    return Check(check_id, False, 0, points, kind="num_classes", layer=layer, suspect="num_classes", message=message,
                 hints=hints, model=spec.label)


def _function(spec: ModelSpec, chapter: Chapter, probe: dict[str, Any], structure: Check, path: str, lang: str,
              memory_mb: int, learner: list[OpRow]) -> Check:
    points = chapter.points["function"]
    check_id = f"{spec.label}.function"
    result = probe.get("function") or {}
    if result.get("ran") and result.get("ok"):
        return Check(check_id, True, points, points, message=t("passed.function", lang, model=spec.label),
                     model=spec.label)
    if not result.get("ran"):
        reason = t("not_checked.structure_first", lang)
        message = t("function.parameters", lang, model=spec.label) if structure.passed else \
            t("not_checked", lang, model=spec.label, reason=reason)
        return Check(check_id, False, 0, points, kind="function", message=message, hints=[message], model=spec.label)
    if result.get("kind"):  # the run itself raised
        finding = _load_finding(result, path, spec.label, lang, memory_mb)
        return Check(check_id, False, 0, points, kind=finding.kind, message=finding.message, hints=finding.hints,
                     model=spec.label, line=result.get("line"))
    concat = concat_order_mistakes(learner)
    if result.get("reason") in ("shape", "not_tensor") or (not structure.passed and not concat and not result.get("probabilities")):
        # different outputs are expected while the structure differs: the structure check says why
        message = t("not_checked", lang, model=spec.label, reason=t("not_checked.structure_first", lang))
        return Check(check_id, False, 0, points, kind="function", message=message, hints=[message], model=spec.label)
    message = t("function.differs", lang, model=spec.label, diff=result.get("max_abs_diff", float("nan")),
                  scale=result.get("scale", float("nan")))
    if concat:
        module, joined, expected = concat[0]
        detail = t("function.concat", lang, module=module, joined=", ".join(joined), expected=", ".join(expected))
        message = f"{message} {detail}"
        hints = [message, t("function.why", lang), t("function.concat_fix", lang, expected=", ".join(expected))]
    elif result.get("probabilities"):
        hints = [message, t("why.extra_softmax", lang), t("function.softmax", lang)]
    else:
        hints = [message, t("function.why", lang), t("function.fix", lang, hint=" ".join(chapter.hints.get(normalize_lang(lang), ())[:1]))]
    return Check(check_id, False, 0, points, kind="function", message=message, hints=hints, model=spec.label)


def _model_checks(chapter: Chapter, spec: ModelSpec, probe: dict[str, Any], path: str, lang: str,
                  views: dict[str, ModelView], memory_mb: int) -> list[Check]:
    ref = reference_rows(spec)
    view = ModelView(spec.label, ref, [], [], None)
    views[spec.label] = view
    load = probe.get("load", {})
    if not load.get("ok"):
        return _all_fail(chapter, _load_finding(load, path, spec.label, lang, memory_mb), [spec])
    traced = probe.get("trace", {})
    if not traced.get("ok"):
        finding = _load_finding(traced, path, spec.label, lang, memory_mb)
        if finding.kind == "error":
            partial = rows_from_dicts(traced.get("rows") or [])
            view.learner_rows = partial
            translated = diagnose_error(traced, partial, ref, spec.label, lang)
            if translated is not None:
                # level 1 says where in the learner's terms, with torch's own words and the file's line under it
                raw = finding.message
                finding.layer, finding.suspect = translated.layer, translated.suspect
                if translated.message:
                    finding.message = translated.message
                    finding.hints = [f"{translated.message}\n{raw}", *translated.hints[1:]]
                else:
                    finding.hints = [raw, *translated.hints[1:]]
        return _all_fail(chapter, finding, [spec])
    # parallel branches computed in another order are fine: compare them in the reference's order
    learner = canonical_branches(rows_from_dicts(traced["rows"]), ref)
    structure, _ = _structure(spec, chapter, ref, learner, lang, view)
    checks = [structure, _params(spec, chapter, view, traced, lang)]
    if "num_classes" in spec.checks:
        checks.append(_num_classes(spec, chapter, probe, learner, lang))
    if "function" in spec.checks:
        checks.append(_function(spec, chapter, probe, structure, path, lang, memory_mb, learner))
    return checks


def _formula_checks(chapter: Chapter, probe: dict[str, Any], path: str, lang: str) -> list[Check]:
    checks = []
    points = chapter.formula_points
    for name in FORMULA_FUNCTIONS:
        entry = probe.get("functions", {}).get(name, {})
        check_id = f"formulas.{name}"
        if entry.get("ok"):
            checks.append(Check(check_id, True, points, points, message=t("passed.formulas", lang, name=name, cases=entry["cases"])))
            continue
        kind = entry.get("kind", "error")
        if kind == "missing_class":
            suggestion = entry.get("suggestion")
            extra = t("load.suggestion", lang, name=suggestion, wanted=name) if suggestion else ""
            message = t("load.missing_function", lang, path=path, name=name, suggestion=extra)
        elif kind == "formula":
            message = t("formula.wrong", lang, name=name, args=entry["args"], got=entry["got"], expected=entry["expected"])
        elif kind == "not_implemented":
            message = t("load.not_implemented", lang, name=name, path=path, at=_at(entry.get("line"), entry.get("source", ""), lang))
        else:
            message = t("formula.error", lang, name=name, args=entry.get("args", "()"), exc_type=entry.get("exc_type", "Error"),
                          detail=entry.get("message", ""))
        hints = [message, *chapter.hints.get(normalize_lang(lang), ())]
        checks.append(Check(check_id, False, 0, points, kind=kind, message=message, hints=hints, line=entry.get("line")))
    return checks


def _worksheet_checks(chapter: Chapter, file: Path, lang: str, timeout: float, memory_mb: int) -> tuple[list[Check], str]:
    blanks = WORKSHEETS.get(chapter.id, ())
    shown = _rel(file)

    def fail_all(finding: Finding) -> list[Check]:
        return [Check(f"worksheet.{blank.name}", False, 0, chapter.worksheet_points, kind=finding.kind, message=finding.message,
                      hints=list(finding.hints)) for blank in blanks]

    if not file.is_file():
        return fail_all(Finding("import", t("load.import", lang, path=shown, at="", exc_type="FileNotFoundError",
                                              detail="no such file"))), ""
    outcome = run_isolated(probe_worksheet, str(file.resolve()), [b.name for b in blanks], timeout=timeout, memory_mb=memory_mb)
    if outcome.status != "ok":
        return fail_all(_outcome_finding(outcome, shown, timeout, memory_mb, lang)), outcome.output
    if not outcome.value["load"].get("ok"):
        return fail_all(_load_finding(outcome.value["load"], shown, "worksheet", lang, memory_mb)), outcome.output
    values, checks = outcome.value["values"], []
    for blank in blanks:
        check_id = f"worksheet.{blank.name}"
        question = blank.question[lang]
        hints = [t("worksheet.hint", lang, formula=blank.hint[lang])]
        expected = blank.answer()
        if isinstance(expected, tuple):
            hints.append(t("worksheet.shape", lang))
        if blank.name not in values:
            message = t("worksheet.missing", lang, name=blank.name)
            checks.append(Check(check_id, False, 0, chapter.worksheet_points, kind="missing_class", message=message, hints=[message, *hints]))
        elif values[blank.name] is None or values[blank.name] is Ellipsis:
            message = t("worksheet.blank", lang, name=blank.name, question=question)
            checks.append(Check(check_id, False, 0, chapter.worksheet_points, kind="not_implemented", message=message, hints=hints))
        elif check_value(expected, values[blank.name]):
            message = t("worksheet.right", lang, name=blank.name, value=values[blank.name])
            checks.append(Check(check_id, True, chapter.worksheet_points, chapter.worksheet_points, message=message))
        else:
            message = t("worksheet.wrong", lang, name=blank.name, value=values[blank.name], question=question)
            checks.append(Check(check_id, False, 0, chapter.worksheet_points, kind="worksheet", message=message, hints=hints))
    return checks, outcome.output


def grade_worksheet(chapter: str, path: str | Path | None = None, lang: str = "en", *,
                    timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB) -> Report:
    """Grade the learner's worksheet for ``chapter`` (default: exercises/<chapter>/worksheet.py)."""
    lang = normalize_lang(lang)
    spec_chapter = get_chapter(chapter)
    file = Path(path) if path is not None else spec_chapter.worksheet_path()
    start = time.monotonic()
    checks, output = _worksheet_checks(spec_chapter, file, lang, timeout, memory_mb)
    return Report(spec_chapter.id, _rel(file), lang, checks, seconds=time.monotonic() - start, output=output)


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
) -> Report:
    """Grade the learner's file for ``chapter`` (default: its file in exercises/).

    ``worksheet``: also grade the chapter's worksheet (default: only when grading the learner's own
    chapter in exercises/, i.e. when no ``path`` is given)."""
    lang = normalize_lang(lang)
    spec_chapter = get_chapter(chapter)
    file = Path(path) if path is not None else spec_chapter.exercise_path()
    shown = _rel(file)
    start = time.monotonic()
    if not file.is_file():
        finding = Finding("import", t("load.import", lang, path=shown, at="", exc_type="FileNotFoundError", detail="no such file"))
        return Report(spec_chapter.id, shown, lang, _all_fail(spec_chapter, finding))
    outcome = run_isolated(probe_chapter, spec_chapter.id, str(file.resolve()), hidden_cases, seed, bonus,
                           timeout=timeout, memory_mb=memory_mb)
    views: dict[str, ModelView] = {}
    specs = list(spec_chapter.models + (spec_chapter.bonus if bonus else ()))
    if outcome.status != "ok":
        checks = _all_fail(spec_chapter, _outcome_finding(outcome, shown, timeout, memory_mb, lang), specs)
    elif not outcome.value["load"].get("ok"):
        load = outcome.value["load"]
        first = spec_chapter.models[0].class_name if spec_chapter.models else Path(shown).name
        checks = _all_fail(spec_chapter, _load_finding(load, shown, first, lang, memory_mb), specs)
    elif not spec_chapter.models:
        checks = _formula_checks(spec_chapter, outcome.value, shown, lang)
    else:
        checks = []
        for spec in specs:
            checks += _model_checks(spec_chapter, spec, outcome.value["models"][spec.label], shown, lang, views,
                                    memory_mb)
    output = outcome.output
    if worksheet or (worksheet is None and path is None):
        sheet, sheet_output = _worksheet_checks(spec_chapter, spec_chapter.worksheet_path(), lang, timeout, memory_mb)
        checks = sheet + checks
        output += sheet_output
    return Report(spec_chapter.id, shown, lang, checks, seconds=time.monotonic() - start, models=views, output=output)
