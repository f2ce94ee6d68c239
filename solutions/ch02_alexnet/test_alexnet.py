"""AlexNet (ILSVRC 2012): run `pytest exercises/ch02_alexnet`. Each check is one test; fix them top to bottom.

AlexNet（ILSVRC 2012）：執行 `pytest exercises/ch02_alexnet`。每個檢查是一個測試；由上往下逐一修正。
"""

import pytest

from grader.testing import ChapterTests

chapter = ChapterTests("ch02_alexnet", __file__)


@pytest.mark.parametrize("blank", chapter.worksheet_ids)
def test_worksheet(blank: str) -> None:
    chapter.expect(blank)


@pytest.mark.parametrize("check", chapter.check_ids)
def test_alexnet(check: str) -> None:
    chapter.expect(check)
