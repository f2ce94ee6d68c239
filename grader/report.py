"""The grader's answer: a Report of Checks. Renderers (terminal, JSON, app, notebooks) only render it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Check", "Report", "KINDS"]

KINDS = (
    "syntax", "import", "missing_class", "not_module", "not_implemented", "error", "timeout", "exit", "memory",
    "shape", "params", "layer_type", "missing_layer", "extra_layer", "activation", "pooling", "function",
    "num_classes", "formula", "worksheet",
)


@dataclass
class Check:
    id: str  # e.g. "VGG16.structure"
    passed: bool
    points: int
    max_points: int
    kind: str | None = None  # why it failed; one of KINDS
    layer: int | None = None  # 1-based weight layer (conv/linear in execution order) of the first divergence
    suspect: str | None = None  # the hyperparameter to look at
    message: str = ""
    hints: list[str] = field(default_factory=list)  # level 1 where, 2 why (formula), 3 the fix
    model: str | None = None
    line: int | None = None  # in the learner's file, when known
    variant: str | None = None  # a well-known variant recognised in the learner's model

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "passed": self.passed, "points": self.points, "max_points": self.max_points,
            "kind": self.kind, "layer": self.layer, "suspect": self.suspect, "message": self.message,
            "hints": list(self.hints),
        }


@dataclass
class ModelView:
    """What the app draws for one model: both traces and how they line up (not part of the JSON)."""

    name: str
    reference_rows: list[Any]
    learner_rows: list[Any]
    steps: list[Any]
    divergence: int | None  # index into steps


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
    def score(self) -> int:
        return sum(check.points for check in self.checks)

    @property
    def max_score(self) -> int:
        return sum(check.max_points for check in self.checks)

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
            "chapter": self.chapter, "passed": self.passed, "score": self.score, "max_score": self.max_score,
            "checks": [check.to_dict() for check in self.checks],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def render_text(self, hints: int = 1, color: bool = False) -> str:
        """The terminal view: one line per check, then the hints of failed checks up to level ``hints``."""
        green, red, dim, reset = ("\033[32m", "\033[31m", "\033[2m", "\033[0m") if color else ("", "", "", "")
        lines = [f"{self.chapter}: {self.score}/{self.max_score}"]
        previous = None
        for check in self.checks:
            mark = f"{green}PASS{reset}" if check.passed else f"{red}FAIL{reset}"
            if not check.passed and check.message == previous:  # one cause, several checks: say it once
                lines.append(f"  {mark} {check.id} ({check.points}/{check.max_points})  {dim}(same as above){reset}")
                continue
            lines.append(f"  {mark} {check.id} ({check.points}/{check.max_points})  {check.message}")
            if not check.passed:
                previous = check.message
                for level, hint in enumerate(check.hints[:hints], start=1):
                    if hint == check.message:
                        continue
                    hint = hint.replace("\n", "\n" + " " * 15)
                    lines.append(f"       {dim}hint {level}:{reset} {hint}")
        return "\n".join(lines)
