"""VGG16 (ILSVRC 2014): run `pytest exercises/ch05_vgg`. Each check is one test; fix them top to bottom.

VGG16（ILSVRC 2014）：執行 `pytest exercises/ch05_vgg`。每個檢查是一個測試；由上往下逐一修正。
"""

import pytest

from grader.testing import ChapterTests

chapter = ChapterTests("ch05_vgg", __file__)


@pytest.mark.parametrize("blank", chapter.worksheet_ids)
def test_worksheet(blank: str) -> None:
    chapter.expect(blank)


@pytest.mark.parametrize("check", chapter.check_ids)
def test_vgg(check: str) -> None:
    chapter.expect(check)


@pytest.mark.parametrize("check", chapter.bonus_ids)
def test_bonus(check: str) -> None:
    chapter.expect_bonus(check)
