"""The grader's answer: a Report of Checks, with every fact a renderer shows. Renderers (terminal, JSON,
app, notebooks) only render it: none of them parses a message or compares two traces again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from grader.compare import Step, weight_depth
from grader.protocol import OpRow
from grader.scoring import tidy
from grader.text import pad, t, width

__all__ = ["Check", "Fix", "Report", "ModelView", "KINDS"]

KINDS = (
    "syntax", "import", "missing_class", "not_module", "not_implemented", "no_forward", "error", "timeout", "exit",
    "memory", "shape", "params", "layer_type", "missing_layer", "extra_layer", "activation", "pooling", "function",
    "num_classes", "formula", "worksheet", "batch", "output", "internal", "signature",
)


@dataclass(frozen=True)
class Fix:
    """The level-3 hint as data, so that a test can apply it to the learner's model and check that it helps.

    ``action``: set (the layer's ``hparams``), replace (the layer by ``row``), add (``row`` after the layer),
    remove (the layer). The layer is the learner's row ``module`` ran (its qualified name in the model), or,
    for a layer that never ran because the forward pass raised there, the one whose weight has ``weight``'s
    shape."""

    action: str
    module: str = ""
    hparams: dict[str, Any] = field(default_factory=dict)
    row: OpRow | None = None
    weight: tuple[int, ...] = ()
    also: tuple[str, ...] = ()  # remove: the layers that go with it (its activation)


@dataclass
class Check:
    id: str  # e.g. "VGG16.structure"
    passed: bool
    points: float  # partial credit: grader.scoring
    max_points: float
    kind: str | None = None  # why it failed; one of KINDS
    layer: int | None = None  # 1-based weight layer (conv/linear in execution order) of the first divergence
    suspect: str | None = None  # the hyperparameter to look at
    message: str = ""
    hints: list[str] = field(default_factory=list)  # level 1 where, 2 why (formula), 3 the fix
    model: str | None = None
    line: int | None = None  # in the learner's file, when known
    variant: str | None = None  # a well-known variant recognised in the learner's model
    fix: Fix | None = None  # hint 3 as data, when it changes one layer
    matched: float = 0.0  # the share of the reference this check found matching (grader.scoring turns it into points)

    def explain(self, lang: str, levels: int, *, with_id: bool = False, of_total: bool = False) -> str:
        """The check as the learner reads it: its message, then its hints up to level ``levels`` ("hint 2: ...",
        or with ``of_total`` "hint 2/3: ..."); ``with_id``: the message after the check's id."""
        lines = [t("report.check", lang, check=self.id, message=self.message) if with_id else self.message]
        for level, hint in enumerate(self.hints[:levels], start=1):
            if hint != self.message:
                lines.append("  " + t("report.hint", lang, level=f"{level}/{len(self.hints)}" if of_total else level, hint=hint))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "passed": self.passed, "points": self.points, "max_points": self.max_points,
            "kind": self.kind, "layer": self.layer, "suspect": self.suspect, "message": self.message,
            "hints": list(self.hints), "line": self.line, "variant": self.variant,
        }


@dataclass(frozen=True)
class ModelView:
    """What the app draws for one model: both traces, how they line up (each step's ``kind``: same,
    changed, missing, extra), the first divergence, and each model's depth."""

    name: str
    reference_rows: tuple[OpRow, ...]
    learner_rows: tuple[OpRow, ...] = ()  # as far as they ran, when the forward pass raised
    steps: tuple[Step, ...] = ()  # empty when the learner's model did not trace to the end
    divergence: int | None = None  # index into steps

    @property
    def reference_depth(self) -> int:
        return weight_depth(list(self.reference_rows))

    @property
    def learner_depth(self) -> int:
        return weight_depth(list(self.learner_rows))

    def learner_index(self) -> tuple[int | None, bool]:
        """The learner row at the divergence, and whether a layer is missing there (then the index is of the
        learner's next row, the place the missing layer should go before)."""
        return self._index(learner=True)

    def reference_index(self) -> tuple[int | None, bool]:
        """The reference row at the divergence, and whether the learner has an extra layer there (then the
        index is of the reference's next row)."""
        return self._index(learner=False)

    def _index(self, learner: bool) -> tuple[int | None, bool]:
        if self.divergence is None or self.divergence >= len(self.steps):
            return None, False
        side = (lambda step: step.learner) if learner else (lambda step: step.reference)
        index = sum(1 for step in self.steps[: self.divergence] if side(step) is not None)
        return index, side(self.steps[self.divergence]) is None


@dataclass
class Report:
    chapter: str
    path: str
    lang: str
    checks: list[Check]
    seconds: float = 0.0
    models: dict[str, ModelView] = field(default_factory=dict)
    output: str = ""  # the tail of what the learner's code printed

    @property
    def score(self) -> float:
        return tidy(sum(check.points for check in self.checks))

    @property
    def max_score(self) -> float:
        return tidy(sum(check.max_points for check in self.checks))

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def not_started(self) -> bool:
        return bool(self.checks) and all(check.kind == "not_implemented" for check in self.checks if not check.passed) \
            and not any(check.passed for check in self.checks)

    def first_failure(self) -> Check | None:
        return next((check for check in self.checks if not check.passed), None)

    def check(self, check_id: str) -> Check:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "chapter": self.chapter, "path": self.path, "passed": self.passed, "score": self.score,
            "max_score": self.max_score, "checks": [check.to_dict() for check in self.checks],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def render_text(self, hints: int = 1, color: bool = False) -> str:
        """The terminal view: one line per check, then the hints of failed checks up to level ``hints``."""
        green, red, dim, reset = ("\033[32m", "\033[31m", "\033[2m", "\033[0m") if color else ("", "", "", "")
        lang = self.lang
        lines = [f"{self.chapter}: {self.score}/{self.max_score}"]
        previous = None
        marks = (t("report.pass", lang), t("report.fail", lang))
        columns = max(width(mark) for mark in marks)  # the marks line up, CJK counted as two columns
        for check in self.checks:
            mark = f"{green}{pad(marks[0], columns)}{reset}" if check.passed else f"{red}{pad(marks[1], columns)}{reset}"
            if not check.passed and check.message == previous:  # one cause, several checks: say it once
                lines.append(f"  {mark} {check.id} ({check.points}/{check.max_points})  {dim}{t('report.same', lang)}{reset}")
                continue
            lines.append(f"  {mark} {check.id} ({check.points}/{check.max_points})  {check.message}")
            if not check.passed:
                previous = check.message
                for level, hint in enumerate(check.hints[:hints], start=1):
                    if hint == check.message:
                        continue
                    text = t("report.hint", lang, level=level, hint=hint)
                    first = hint.split("\n")[0].lstrip(" ")
                    head = text.split("\n")[0]
                    label = head[: len(head) - len(first)] if first and head.endswith(first) else ""
                    text = text.replace("\n", "\n" + " " * (7 + width(label)))  # continuation lines under the hint
                    lines.append(f"       {dim}{label}{reset}{text[len(label):]}")
        if self.output.strip() and not self.passed:  # what the learner's code printed: their own debugging
            lines.append(f"  {dim}{t('report.output', lang)}{reset}")
            lines += [f"    {line}" for line in self.output.strip().splitlines()[-20:]]
        return "\n".join(lines)
