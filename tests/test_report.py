"""The report stage: what renderers read. The terminal view in both languages, one hint level at a time,
what the learner's code printed, and the JSON every tool reads."""

from __future__ import annotations

import json

from grader.report import Check, Report


def _report(lang: str) -> Report:
    failed = Check("LeNet5.structure", False, 0, 4, kind="shape", layer=1, suspect="padding", message="conv 1 is wrong",
                   hints=["conv 1 is wrong", "W_out = ...", "padding=0 gives 28x28."], line=12)
    again = Check("LeNet5.params", False, 0, 2, kind="shape", message="conv 1 is wrong", hints=["conv 1 is wrong"])
    return Report("ch01_lenet", "lenet.py", lang, [failed, again, Check("LeNet5.num_classes", True, 1, 1, message="ok")],
                  output="shape after conv1: (2, 6, 32, 32)\n")


def test_the_terminal_view_in_both_languages() -> None:
    english = _report("en").render_text(hints=2)
    assert "FAIL LeNet5.structure (0/4)  conv 1 is wrong" in english and "hint 2: W_out = ..." in english
    assert "hint 3" not in english and "(same cause as above)" in english and "PASS LeNet5.num_classes" in english
    assert "shape after conv1: (2, 6, 32, 32)" in english  # what the learner printed, with a failing check
    chinese = _report("zh-TW").render_text(hints=1)
    assert "未通過 LeNet5.structure" in chinese and "（原因同上）" in chinese and "FAIL" not in chinese


def test_one_check_explained_up_to_a_level() -> None:
    check = _report("en").checks[0]
    assert check.explain("en", 3, of_total=True).splitlines() == [
        "conv 1 is wrong", "  hint 2/3: W_out = ...", "  hint 3/3: padding=0 gives 28x28."]
    assert check.explain("zh-TW", 2).splitlines()[1] == "  提示 2：W_out = ..."


def test_scores_and_the_json() -> None:
    report = _report("en")
    assert (report.score, report.max_score, report.passed, report.first_failure().id) == (1, 7, False, "LeNet5.structure")
    data = json.loads(report.to_json())
    assert data["checks"][0]["line"] == 12 and data["path"] == "lenet.py" and data["score"] == 1
