"""The formulas: output size, parameters, receptive field: run `pytest exercises/ch00_formulas`. Each check is one test; fix them top to bottom.

計算公式：輸出尺寸、參數量、感受野：執行 `pytest exercises/ch00_formulas`。每個檢查是一個測試；由上往下逐一修正。
"""

import pytest

from grader.testing import ChapterTests

chapter = ChapterTests("ch00_formulas", __file__)


@pytest.mark.parametrize("blank", chapter.worksheet_ids)
def test_worksheet(blank: str) -> None:
    chapter.expect(blank)


@pytest.mark.parametrize("check", chapter.check_ids)
def test_formulas(check: str) -> None:
    chapter.expect(check)
