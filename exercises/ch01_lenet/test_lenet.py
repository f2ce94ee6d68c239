"""LeNet-5 (1998): run `pytest exercises/ch01_lenet`. Each check is one test; fix them top to bottom.

LeNet-5（1998）：執行 `pytest exercises/ch01_lenet`。每個檢查是一個測試；由上往下逐一修正。
"""

import pytest

from grader.testing import ChapterTests

chapter = ChapterTests("ch01_lenet", __file__)


@pytest.mark.parametrize("blank", chapter.worksheet_ids)
def test_worksheet(blank: str) -> None:
    chapter.expect(blank)


@pytest.mark.parametrize("check", chapter.check_ids)
def test_lenet(check: str) -> None:
    chapter.expect(check)
