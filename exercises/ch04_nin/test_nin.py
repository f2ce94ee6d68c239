"""Network in Network (2013): run `pytest exercises/ch04_nin`. Each check is one test; fix them top to bottom.

Network in Network（2013）：執行 `pytest exercises/ch04_nin`。每個檢查是一個測試；由上往下逐一修正。
"""

import pytest

from grader.testing import ChapterTests

chapter = ChapterTests("ch04_nin", __file__)


@pytest.mark.parametrize("blank", chapter.worksheet_ids)
def test_worksheet(blank: str) -> None:
    chapter.expect(blank)


@pytest.mark.parametrize("check", chapter.check_ids)
def test_nin(check: str) -> None:
    chapter.expect(check)
