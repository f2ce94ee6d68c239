"""The scoring rule: how much of a check a learner's work matches, turned into points. One place, fed by the
course config (``course.toml``, written by ``python -m grader nbgrader`` and edited by the instructor).

Every check measures a fraction of the reference it matches (``Check.matched``, grader.checks):

    structure    the aligned operations that are the reference's (same operation, same own settings)
    params       the reference's weight layers whose parameter count the learner's layer has
    function     the weight layers that compute the reference's values with the reference's weights
    num_classes, a worksheet blank, a formula     all or nothing

A check that passes earns its points. A check that fails earns ``points x matched``, but never more than
``points x (1 - min_penalty)``: any difference costs at least ``min_penalty`` of the check. With
``partial = false`` a failed check earns nothing, as before partial credit existed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.chapters import Chapter

__all__ = ["Scoring", "DEFAULT", "CONFIG_NAME", "load_scoring", "config_text", "tidy"]

CONFIG_NAME = "course.toml"
DEFAULT_MIN_PENALTY = 0.25
CHECK_NAMES = ("structure", "params", "num_classes", "function", "worksheet", "formulas")


def tidy(value: float) -> float:
    """Points as people write them: 3 rather than 3.0, 2.67 rather than 2.6666666."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


@dataclass(frozen=True)
class Scoring:
    """Points per check and the partial-credit rule of one course.

    ``points`` (check name -> points) overrides every chapter's declared points; ``chapters`` (chapter id
    -> check name -> points) overrides them for one chapter. Check names: structure, params, num_classes,
    function (per model), worksheet (per blank), formulas (chapter 0, shared by its functions)."""

    points: Mapping[str, float] = field(default_factory=dict)
    chapters: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    partial: bool = True
    min_penalty: float = DEFAULT_MIN_PENALTY

    def __post_init__(self) -> None:
        if not 0 <= self.min_penalty <= 1:
            raise ValueError(f"min_penalty must be between 0 and 1, got {self.min_penalty}")
        for table in (self.points, *self.chapters.values()):
            for name, value in table.items():
                if name not in CHECK_NAMES:
                    raise ValueError(f"unknown check {name!r} in the points; known: {', '.join(CHECK_NAMES)}")
                if not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"points for {name} must be a number >= 0, got {value!r}")

    def table(self, chapter: Chapter) -> dict[str, float]:
        """The chapter's points per check name, after the course's overrides."""
        declared: dict[str, float] = {**chapter.points, "worksheet": chapter.worksheet_points}
        if not chapter.models:
            declared.setdefault("formulas", 10)
        return {**declared, **self.points, **self.chapters.get(chapter.id, {})}

    def max_points(self, chapter: Chapter, check_id: str) -> float:
        """What a check is worth, from its id (``LeNet5.structure``, ``worksheet.CONV1_OUTPUT``, ...)."""
        from grader.chapters import FORMULA_FUNCTIONS

        table = self.table(chapter)
        if check_id.startswith("worksheet."):
            return tidy(table["worksheet"])
        if check_id.startswith("formulas."):
            return tidy(table["formulas"] / len(FORMULA_FUNCTIONS))
        return tidy(table[check_id.rpartition(".")[2]])

    def earned(self, max_points: float, passed: bool, matched: float) -> float:
        """The points of a check: all when it passed; else ``matched`` of them, at most ``1 - min_penalty``."""
        if passed:
            return tidy(max_points)
        if not self.partial:
            return 0
        fraction = min(max(matched, 0.0), 1.0 - self.min_penalty)
        return tidy(max_points * fraction)


DEFAULT = Scoring()


def _toml(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


def load_scoring(path: str | Path) -> Scoring:
    """The scoring of a course config file (``course.toml``); a missing file is the default scoring."""
    file = Path(path)
    if not file.is_file():
        return DEFAULT
    try:
        data = _toml(file.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{file}: {error}") from None
    partial = data.get("partial", {})
    chapters = {chapter: dict(table) for chapter, table in data.get("chapters", {}).items()}
    try:
        return Scoring(points=dict(data.get("points", {})), chapters=chapters,
                       partial=bool(partial.get("enabled", True)),
                       min_penalty=float(partial.get("min_penalty", DEFAULT_MIN_PENALTY)))
    except ValueError as error:
        raise ValueError(f"{file}: {error}") from None


def config_text(marker: str) -> str:
    """The course config as the generator writes it first: the declared points and the default rule."""
    from grader.chapters import CHAPTERS

    model = next(chapter for chapter in CHAPTERS if chapter.models)
    formulas = next((chapter for chapter in CHAPTERS if not chapter.models), None)
    lines = [
        f"# The cnn-dojo course's scoring: points per check and the partial-credit rule. {marker}.",
        "# Edit it, then run that command again: it keeps this file and writes the notebooks' points from it",
        "# (then `nbgrader generate_assignment \"*\" --force`). The autograder reads the rule below.",
        "",
        "[points]  # for every chapter; each model of a chapter (LeNet5, Inception, GoogLeNet, ...) has its own checks",
    ]
    for name in ("structure", "params", "num_classes", "function"):
        lines.append(f"{name} = {model.points[name]}")
    lines.append(f"worksheet = {model.worksheet_points}  # per worksheet blank")
    if formulas is not None:
        lines.append(f"formulas = {formulas.points.get('formulas', 10)}  # chapter 0, shared by its five functions")
    lines += [
        "",
        "[partial]",
        "enabled = true  # false: a check that fails earns nothing",
        f"min_penalty = {DEFAULT_MIN_PENALTY}  # any difference costs at least this share of the check's points",
        "",
        "# One chapter's own points, over the ones above:",
        "# [chapters.ch06_googlenet]",
        "# function = 4",
        "",
    ]
    return "\n".join(lines)
