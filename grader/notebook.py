"""What the notebooks' test cells call (the nbgrader course, ``python -m grader nbgrader``).

``expect(chapter, check_id)`` grades the file the notebook wrote (``%%writefile lenet.py``) in the
grader's isolated child, as every grade is, and raises ``CheckFailed`` (an AssertionError) with the
grader's message, hints and points when the check fails. A chapter's report is computed once per version
of the file, so its ten test cells cost one grading.

This is the student's feedback in their own kernel, which they control. The autograder never relies on
it: it runs no cell in a kernel and grades the notebook's files in a sealed Python of its own
(grader.nbgrader_execute, grader.sealed).

In IPython, importing this module starts the grader's child-process server in the background (its
``import torch`` overlaps with the notebook's) and shows a failed check as its message alone, without
a traceback through the grader.

Environment (nbgrader_config.py sets the first two for the autograder's kernels):
CNN_DOJO_TIMEOUT (seconds the learner's code may run, per grading), CNN_DOJO_MEMORY_MB,
CNN_DOJO_HINTS=0..3 (hint levels shown with a failed check; default 2, as in the chapters' pytest files).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from grader.chapters import get_chapter
from grader.isolate import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, warm_up
from grader.report import Check, Report
from grader.text import t

__all__ = ["CheckFailed", "expect", "report", "explain"]

_REPORTS: dict[tuple[object, ...], Report] = {}


class CheckFailed(AssertionError):
    """A grader check that did not pass; its text is the grader's message and hints."""


def _version(file: Path) -> str | None:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return None


def report(chapter: str, path: str | Path | None = None, *, worksheet: bool = False, cases: int = 0,
           lang: str = "en") -> Report:
    """The grader's report on the chapter's file (default: the chapter's file name, in the current folder)
    or on its worksheet. ``cases``: random cases per formula on top of the fixed ones (chapter 0)."""
    spec = get_chapter(chapter)
    file = Path(path) if path is not None else Path("worksheet.py" if worksheet else Path(spec.file).name)
    key = (spec.id, str(file.resolve()), worksheet, cases, lang, _version(file))
    if key not in _REPORTS:
        from grader.pipeline import grade, grade_worksheet

        limits = {"timeout": float(os.environ.get("CNN_DOJO_TIMEOUT", DEFAULT_TIMEOUT)),
                  "memory_mb": int(os.environ.get("CNN_DOJO_MEMORY_MB", DEFAULT_MEMORY_MB))}
        if worksheet:
            _REPORTS[key] = grade_worksheet(spec.id, file, lang, **limits)
        else:
            _REPORTS[key] = grade(spec.id, file, lang, worksheet=False, hidden_cases=cases, **limits)
    return _REPORTS[key]


def explain(check: Check, hints: int | None = None, lang: str = "en") -> str:
    """A failed check as the learner reads it: the message, then the hints up to level ``hints``."""
    levels = int(os.environ.get("CNN_DOJO_HINTS", "2")) if hints is None else hints
    return check.explain(lang, levels, with_id=True)


def expect(chapter: str, check_id: str, path: str | Path | None = None, *, cases: int = 0, lang: str = "en") -> None:
    """One line when the grader's check passes; ``CheckFailed`` with its message and hints when not."""
    worksheet = check_id.startswith("worksheet.")
    check = report(chapter, path, worksheet=worksheet, cases=cases, lang=lang).check(check_id)
    if not check.passed:  # partial credit is still a failed check: the points say how much of it matched
        points = t("sealed.points", lang, check=check.id, points=check.points, max_points=check.max_points)
        raise CheckFailed(f"{explain(check, lang=lang)}\n{points}")
    print(t("notebook.passed", lang, check=check.id, points=check.points, max=check.max_points, message=check.message))


def _show_check_failed(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    shell._showtraceback(etype, value, [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"])


def _in_ipython() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    shell.set_custom_exc((CheckFailed,), _show_check_failed)
    warm_up()


_in_ipython()
