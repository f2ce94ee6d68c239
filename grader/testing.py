"""What the chapters' test files call: the chapter is graded once per pytest run, each check is one test,
and a failure shows the grader's message and hints, not a traceback.

Environment: CNN_DOJO_LANG=zh-TW for Traditional Chinese; CNN_DOJO_HINTS=0..3 hint levels (default 2).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from grader.chapters import get_chapter
from grader.report import Check, Report
from grader.text import default_lang, t
from grader.worksheets import WORKSHEETS

__all__ = ["ChapterTests"]


class ChapterTests:
    def __init__(self, chapter: str, test_file: str) -> None:
        self.chapter = get_chapter(chapter)
        self.folder = Path(test_file).resolve().parent
        self.lang = default_lang()
        self.hints = int(os.environ.get("CNN_DOJO_HINTS", "2"))

    # the ids are known from the chapter's declaration, so pytest can list the tests before grading
    @property
    def worksheet_ids(self) -> list[str]:
        return [f"worksheet.{blank.name}" for blank in WORKSHEETS.get(self.chapter.id, ())]

    @property
    def check_ids(self) -> list[str]:
        return self.chapter.check_ids()

    @property
    def bonus_ids(self) -> list[str]:
        return self.chapter.check_ids(bonus=True)

    @functools.cached_property
    def report(self) -> Report:
        from grader.pipeline import grade

        return grade(self.chapter.id, self.folder / Path(self.chapter.file).name, self.lang, worksheet=False,
                     bonus=bool(self.chapter.bonus))

    @functools.cached_property
    def worksheet(self) -> Report:
        from grader.pipeline import grade_worksheet

        return grade_worksheet(self.chapter.id, self.folder / "worksheet.py", self.lang)

    def _explain(self, report: Report, check: Check) -> str:
        """The failure, said once: a check that fails for the same reason as one before it points to it; the
        first one also shows what the learner's code printed (their own debugging)."""
        first = next(c for c in report.checks if not c.passed and c.message == check.message)
        if first is not check:
            return t("report.same_as", self.lang, check=first.id)
        text = check.explain(self.lang, self.hints)
        if report.output.strip():
            printed = "\n".join("    " + line for line in report.output.strip().splitlines()[-20:])
            text += f"\n  {t('report.output', self.lang)}\n{printed}"
        return text

    def expect(self, check_id: str) -> None:
        report = self.worksheet if check_id.startswith("worksheet.") else self.report
        check = report.check(check_id)
        if not check.passed:
            pytest.fail(self._explain(report, check), pytrace=False)

    def expect_bonus(self, check_id: str) -> None:
        check = self.report.check(check_id)
        if not check.passed and check.kind == "not_implemented":
            pytest.skip(t("testing.bonus_not_started", self.lang, check=check.id))
        if not check.passed:
            pytest.fail(self._explain(self.report, check), pytrace=False)
