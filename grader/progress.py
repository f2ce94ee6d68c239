"""Where a learner stands: each chapter's status and score, the hint level reached, the data directory."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.chapters import CHAPTERS, Chapter
from grader.report import Check, Report

__all__ = ["ChapterStatus", "chapter_status", "data_dir", "next_hint_level", "status_of"]


def data_dir() -> Path:
    """Where cnn-dojo keeps the learner's own state (hint levels, drill history)."""
    if os.environ.get("CNN_DOJO_DATA"):
        path = Path(os.environ["CNN_DOJO_DATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "cnn-dojo"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class ChapterStatus:
    chapter: Chapter
    report: Report

    @property
    def status(self) -> str:
        return status_of(self.report)


def status_of(report: Report) -> str:
    """done | in progress | not started."""
    if report.passed:
        return "done"
    if report.not_started:
        return "not started"
    return "in progress"


def chapter_status(lang: str = "en", root: Path | None = None) -> list[ChapterStatus]:
    from grader.pipeline import grade

    return [ChapterStatus(chapter, grade(chapter.id, chapter.exercise_path(root), lang, worksheet=True)) for chapter in CHAPTERS]


def _key(chapter: str, check: Check) -> str:
    return f"{chapter}::{check.id}::{check.message}"


def next_hint_level(chapter: str, check: Check, state_file: Path | None = None) -> int:
    """Each call shows one more hint level (1, 2, 3) for the same failure; a new failure starts at 1."""
    path = state_file or data_dir() / "hints.json"
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        state = {}
    key = _key(chapter, check)
    level = min(int(state.get(chapter, {}).get("level", 0)) + 1, max(1, len(check.hints)))
    if state.get(chapter, {}).get("key") != key:
        level = 1
    state[chapter] = {"key": key, "level": level}
    # write to a temporary file, then rename: a crash never leaves a half-written state
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hints-")
    with os.fdopen(fd, "w") as file:
        json.dump(state, file)
    os.replace(tmp, path)
    return level
