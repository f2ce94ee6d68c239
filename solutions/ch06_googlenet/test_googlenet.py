"""GoogLeNet / Inception v1 (ILSVRC 2014): run `pytest exercises/ch06_googlenet`. Each check is one test; fix them top to bottom.

GoogLeNet／Inception v1（ILSVRC 2014）：執行 `pytest exercises/ch06_googlenet`。每個檢查是一個測試；由上往下逐一修正。
"""

import pytest

from grader.testing import ChapterTests

chapter = ChapterTests("ch06_googlenet", __file__)


@pytest.mark.parametrize("blank", chapter.worksheet_ids)
def test_worksheet(blank: str) -> None:
    chapter.expect(blank)


@pytest.mark.parametrize("check", chapter.check_ids)
def test_googlenet(check: str) -> None:
    chapter.expect(check)
