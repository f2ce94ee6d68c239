"""The Streamlit app, driven by streamlit.testing.v1.AppTest on a temporary copy of the course.

The course copy: ch03 ZFNet done (model and worksheet), ch01 LeNet's model solved with a worksheet
half right, ch02 AlexNet with a forgotten padding, ch04 NiN with a syntax error, the rest untouched
stubs. grader.chapters.ROOT points at the copy; CNN_DOJO_DATA at a temporary data directory.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import grader.chapters
from grader.chapters import CHAPTERS
from grader.drill import DrillLog, make_question
from tests.conftest import ROOT, committed

pytestmark = pytest.mark.slow

APP = str(ROOT / "app.py")
# Seconds per AppTest run: a run may grade every chapter, and the first grading in a process starts the
# grader's forkserver (import torch); CI has two cores.
RUN_TIMEOUT = 240


def _copy_course(root: Path) -> Path:
    shutil.copytree(committed() / "exercises", root / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    return root / "exercises"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    exercises, solutions = _copy_course(root), ROOT / "solutions"
    for chapter in ("ch01_lenet/lenet.py", "ch03_zfnet/zfnet.py", "ch03_zfnet/worksheet.py"):
        shutil.copy(solutions / chapter, exercises / chapter)
    sheet = exercises / "ch01_lenet/worksheet.py"
    sheet.write_text(sheet.read_text().replace("CONV1_OUTPUT = None", "CONV1_OUTPUT = (6, 28, 28)")
                     .replace("POOL1_OUTPUT = None", "POOL1_OUTPUT = (6, 28, 28)"))
    alexnet = (solutions / "ch02_alexnet/alexnet.py").read_text()
    broken = alexnet.replace("nn.Conv2d(256, 384, kernel_size=3, padding=1)", "nn.Conv2d(256, 384, kernel_size=3)")
    assert broken != alexnet
    (exercises / "ch02_alexnet/alexnet.py").write_text(broken)
    nin = (exercises / "ch04_nin/nin.py").read_text()
    (exercises / "ch04_nin/nin.py").write_text(nin.replace("class NiN(nn.Module):", "class NiN(nn.Module)"))
    return root


@pytest.fixture(autouse=True)
def _keep_main():
    """AppTest installs the app script as ``__main__`` and leaves it there: put pytest's back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def _point_at(root: Path, monkeypatch, data: Path) -> None:
    monkeypatch.setenv("CNN_DOJO_ROOT", str(root))
    monkeypatch.setenv("CNN_DOJO_DATA", str(data))
    monkeypatch.setattr(grader.chapters, "ROOT", root)  # read at import time: the app's process imported it already


@pytest.fixture
def app(course, monkeypatch, tmp_path) -> AppTest:
    _point_at(course, monkeypatch, tmp_path / "data")
    return AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)


def open_chapter(at: AppTest, chapter_id: str) -> AppTest:
    """Open a chapter the way a learner does from the overview: its "Open" button."""
    at.button(key=f"open:{chapter_id}").click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Everything a person reads on the page, one element a line."""
    kinds = ("title", "subheader", "markdown", "caption", "error", "info", "success", "warning", "code", "latex")
    return "\n".join(str(element.value) for kind in kinds for element in getattr(at, kind))


def marks(at: AppTest, name: str) -> str:
    """The markdown line of a worksheet blank (its icon, name and question)."""
    return next(m.value for m in at.markdown if f"**`{name}`**" in m.value)


def test_every_page_renders_without_an_exception(app):
    at = app.run()
    assert not at.exception, at.exception
    for chapter in CHAPTERS:
        at.switch_page("app_pages/overview.py").run()
        open_chapter(at, chapter.id)
        assert at.title[0].value == chapter.title["en"]
    for page in ("app_pages/drill.py", "app_pages/zoo.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)


def test_the_overview_shows_each_chapters_status_score_and_what_to_do_next(app):
    at = app.run()
    assert not at.exception
    lines = [m.value for m in at.markdown]
    status = {lines[i].split(". ", 1)[0].strip("*"): lines[i + 1] for i, line in enumerate(lines) if line.startswith("**")}
    assert status["3"] == ":green-badge[done]"
    assert status["1"] == status["2"] == status["4"] == ":orange-badge[in progress]"
    assert status["0"] == status["5"] == status["6"] == ":gray-badge[not started]"
    assert {metric.label: metric.value for metric in at.metric}["Chapters done"] == "1/7"
    bars = {bar.proto.text: bar.value for bar in at.get("progress")}
    assert "16/16" in bars and any(text.endswith("/17") for text in bars)
    assert "Start **0. The formulas" in at.info[0].value


def test_a_chapter_shows_notes_worksheet_marks_the_model_check_a_layer_table_and_a_diagram(app, course):
    at = open_chapter(app.run(), "ch01_lenet")
    assert [tab.label for tab in at.tabs] == ["Notes", "Worksheet", "Model check", "Architecture", "Train"]
    shown = texts(at)
    assert "### The story" in shown and len(at.latex) == 2  # the notes, with their formulas set by st.latex
    assert "5x5" in shown or "5 x 5" in shown
    # the worksheet: one blank right, one wrong, the rest not answered
    assert marks(at, "CONV1_OUTPUT").startswith(":green[:material/check_circle:]")
    assert marks(at, "POOL1_OUTPUT").startswith(":red[:material/cancel:]")
    assert marks(at, "CONV2_OUTPUT").startswith(":gray[")
    assert any(c.value.startswith("not right yet") and "(6, 28, 28)" in c.value for c in at.caption)
    # the model check: verdict and score, a layer table of both sides, a diagram
    assert at.success[0].value == "Every check passes: 10/10 points."
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["#", "match", "reference layer", "reference output"]
    assert set(table["match"]) == {"✓"} and table["your output"].iloc[0] == "6x28x28"
    dot = at.get("graphviz_chart")[0].proto.spec
    assert "conv layer 5x5 + ReLU\\n6x28x28" in dot and "first difference" not in dot

    # saving the file grades it again: the cache is keyed on the file's modification time
    sheet = course / "exercises/ch01_lenet/worksheet.py"
    source = sheet.read_text()
    try:
        sheet.write_text(source.replace("POOL1_OUTPUT = (6, 28, 28)", "POOL1_OUTPUT = (6, 14, 14)"))
        os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 5_000_000_000))
        at.run()
        assert marks(at, "POOL1_OUTPUT").startswith(":green[:material/check_circle:]")
    finally:
        sheet.write_text(source)
        os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 10_000_000_000))


def test_a_failing_check_shows_where_the_first_difference_is_and_reveals_hints_one_level_at_a_time(app):
    at = open_chapter(app.run(), "ch02_alexnet")
    assert at.error[0].value.startswith("2 of 4 checks do not pass yet")
    assert "the 3rd weight layer (`self.features[6]`) gives 384x11x11, the reference gives 384x13x13" in texts(at)
    table = at.dataframe[0].value
    first = table[table["match"] == "✗"].iloc[0]
    assert (first["reference output"], first["your output"]) == ("384x13x13", "384x11x11")
    assert "first difference" in at.get("graphviz_chart")[0].proto.spec
    key = "hint:ch02_alexnet:AlexNet.structure:next"
    assert at.button(key=key).label == "Show hint 1 of 2"
    assert not any(info.value.startswith("**Hint") for info in at.info)
    at.button(key=key).click().run()
    hints = [info.value for info in at.info if info.value.startswith("**Hint")]
    assert len(hints) == 1 and hints[0].startswith("**Hint 1/2** · ") and "floor" in hints[0]
    assert at.button(key=key).label == "Show hint 2 of 2"
    at.button(key=key).click().run()
    assert len([info for info in at.info if info.value.startswith("**Hint")]) == 2
    assert key not in [button.key for button in at.button]  # no hints left


def test_the_language_switch_turns_labels_notes_and_the_graders_messages_into_traditional_chinese(app):
    at = app.run()
    at.radio(key="lang").set_value("zh-TW").run()
    assert not at.exception
    assert at.title[0].value == "你的進度"
    assert ":green-badge[完成]" in [m.value for m in at.markdown]
    open_chapter(at, "ch02_alexnet")
    assert at.title[0].value == "AlexNet（ILSVRC 2012）"
    assert [tab.label for tab in at.tabs] == ["筆記", "工作單", "模型檢查", "架構圖", "網路內部"]
    shown = texts(at)
    assert "背景故事" in shown and "The story" not in shown
    assert "參考模型是 384x13x13" in shown  # the grader's own message, in zh-TW
    assert at.button(key="hint:ch02_alexnet:AlexNet.structure:next").label == "顯示提示 1/2"
    assert at.button(key="run:ch02_alexnet:button").label == "執行檢查"
    assert list(at.dataframe[0].value.columns[:3]) == ["#", "相符", "參考模型的層"]
    # the choice is saved in the data folder: a new session (a reload) starts in it
    again = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT).run()
    assert again.title[0].value == "你的進度" and again.radio(key="lang").value == "zh-TW"


def test_a_syntax_error_is_reported_with_the_learners_file_and_line_not_raised(app):
    at = open_chapter(app.run(), "ch04_nin")
    assert not at.exception
    message = next(error.value for error in at.error if "syntax error" in error.value)
    assert "exercises/ch04\\_nin/nin.py, line 7: syntax error" in message
    assert "In your file `exercises/ch04_nin/nin.py`, line 7:" in texts(at)
    excerpt = next(code.value for code in at.code if "class NiN" in code.value)
    assert ">    7 | class NiN(nn.Module)" in excerpt


def test_the_learners_line_comes_from_the_report_not_from_the_messages_text(tmp_path, monkeypatch):
    """A forward pass that raises: the message speaks of the layers (no line number in it, in zh-TW), and
    the page still shows the learner's line, from the report's facts (Check.line)."""
    exercises = _copy_course(tmp_path / "course")
    shutil.copy(ROOT / "tests/learners/ch02_alexnet/fc1_in_features.py", exercises / "ch02_alexnet/alexnet.py")
    _point_at(tmp_path / "course", monkeypatch, tmp_path / "data")
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT).run()
    at.radio(key="lang").set_value("zh-TW").run()
    open_chapter(at, "ch02_alexnet")
    message = next(error.value for error in at.error if "9,216" in error.value)
    assert "行" not in message and "line" not in message
    excerpt = next(code.value for code in at.code if "self.classifier(x)" in code.value)
    assert ">   39 |         x = self.classifier(x)" in excerpt


def test_a_hanging_file_is_stopped_by_the_time_limit_and_reported(tmp_path, monkeypatch):
    exercises = _copy_course(tmp_path / "course")
    (exercises / "ch01_lenet/lenet.py").write_text("import time\n\ntime.sleep(600)\n")
    _point_at(tmp_path / "course", monkeypatch, tmp_path / "data")
    monkeypatch.setenv("CNN_DOJO_TIMEOUT", "3")
    at = open_chapter(AppTest.from_file(APP, default_timeout=RUN_TIMEOUT).run(), "ch01_lenet")
    assert any("did not finish within 3 s" in error.value for error in at.error)


def test_the_drill_asks_checks_explains_and_keeps_the_score(app, tmp_path):
    at = app.run()
    at.switch_page("app_pages/drill.py").run()
    assert not at.exception
    question = make_question(at.session_state["drill.seed"])
    assert question.ask("en") in texts(at)
    at.text_input(key="drill.given").input(f"{question.answer:,}")
    next(b for b in at.button if b.label == "Check my answer").click().run()
    assert at.success[0].value == f"Right: {question.answer:,}."
    assert question.solution("en")[-1] in [code.value.splitlines()[-1] for code in at.code]
    at.button(key="drill.next").click().run()
    second = make_question(at.session_state["drill.seed"])
    at.text_input(key="drill.given").input(str(second.answer + 1))
    next(b for b in at.button if b.label == "Check my answer").click().run()
    assert at.error[0].value.startswith(f"Not quite: you wrote {second.answer + 1}")
    assert {metric.label: metric.value for metric in at.metric} == {"This session": "1/2", "All time": "1/2"}
    assert DrillLog(tmp_path / "data" / "drill.sqlite3").score() == (1, 2)


def test_the_zoo_compares_the_references_and_adds_the_learners_passing_models(app):
    at = app.run()
    at.switch_page("app_pages/zoo.py").run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("model")
    assert table.loc["GoogLeNet", "depth (weight layers)"] == 22
    assert table.loc["VGG16", "parameters"] == 138_357_544
    assert table.loc["ZFNet (yours)", "whose"] == "yours"  # passing: measured on the learner's code
    assert table.loc["LeNet5 (yours)", "parameters"] == 61_706
    assert "AlexNet (yours)" not in table.index  # its check fails
    chart = at.get("vega_lite_chart")[0].proto
    assert "ZFNet (yours)" in str(chart)


def test_the_train_tab_trains_the_learners_lenet_outside_the_script_run_and_shows_what_it_learned(app):
    at = open_chapter(app.run(), "ch01_lenet")
    at.number_input(key="train:ch01_lenet:epochs").set_value(2).run()
    at.button(key="train:ch01_lenet:start").click().run()
    assert not at.exception, at.exception
    # the click returns at once: the training runs in a thread of the server, the page polls it
    assert any(button.label == "Stop" for button in at.button) or any("Trained for" in s.value for s in at.success)
    deadline = time.monotonic() + RUN_TIMEOUT
    while not any("Trained for 2 epochs" in s.value for s in at.success):
        assert time.monotonic() < deadline, texts(at)
        time.sleep(0.5)
        at.run()
        assert not at.exception, at.exception
    metrics = {metric.label: metric.value for metric in at.metric}
    assert float(metrics["Test accuracy"].rstrip("%")) > 50 and metrics["Reference, test"].endswith("%")
    headers = [h.value for h in at.subheader]
    for header in ("Confusion matrix", "The digits it got wrong", "The first layer's 6 filters (5x5)",
                   "Convolution 1: 6 feature maps of 28x28", "Convolution 2: 16 feature maps of 10x10",
                   "Receptive field", "Grad-CAM: where your LeNet-5 looked"):
        assert header in headers, headers
    shown = texts(at)
    assert "the `CONV1_OUTPUT` of your worksheet" in shown and "the `CONV2_OUTPUT` of your worksheet" in shown
    assert "sees a 16x16 square of the input" in shown  # the last pooling's unit, by the formula
    assert any(s.value.startswith("Checked against gradients") for s in at.success)
    assert len(at.get("vega_lite_chart")) >= 3  # accuracy, loss, confusion matrix
    # 繁體中文 as well
    at.radio(key="lang").set_value("zh-TW").run()
    assert any("訓練了 2 個週期" in s.value for s in at.success)
    assert "混淆矩陣" in [h.value for h in at.subheader]


def test_the_networks_too_big_to_train_say_so_and_show_their_structure(app):
    at = open_chapter(app.run(), "ch05_vgg")
    assert [tab.label for tab in at.tabs][-1] == "Inside"
    headers = [h.value for h in at.subheader]
    assert "VGG16 cannot be trained here" in headers and "Three 3x3 = one 7x7" in headers
    assert "needs a GPU and a large dataset" in texts(at)
    at = open_chapter(at.switch_page("app_pages/overview.py").run(), "ch04_nin")
    assert [tab.label for tab in at.tabs][-2:] == ["Train", "Inside"]
    assert "DigitsGAPNet" in texts(at)


def _class_results(out: Path) -> None:
    """A batch's results as ``python -m grader batch`` saves them: three students, one mistake shared."""
    from grader.batch import RESULT_FORMAT, ResultStore

    def check(check_id: str, points: int, top: int, **failure) -> dict:
        return {"id": check_id, "passed": points == top, "points": points, "max_points": top, "kind": None,
                "layer": None, "suspect": None, "message": "ok", "hints": [], **failure}

    tanh = {"kind": "activation", "layer": 1, "suspect": None,
            "message": "LeNet5: after conv layer 1 the reference applies a ReLU; yours applies a tanh."}
    for student, structure in (("amy", check("LeNet5.structure", 4, 4)), ("ben", check("LeNet5.structure", 0, 4, **tanh)),
                               ("cid", check("LeNet5.structure", 0, 4, **tanh))):
        checks = [check("worksheet.CONV1_OUTPUT", 1, 1), structure, check("LeNet5.params", 2, 2)]
        ResultStore(out).save({"format": RESULT_FORMAT, "student": student, "chapter": "ch01_lenet", "key": "k",
                               "grader_version": "test", "lang": "en", "score": sum(c["points"] for c in checks),
                               "max_score": 7, "checks": checks, "files": ["lenet.py"]})


def test_the_class_page_shows_a_batchs_scores_pass_rates_and_common_mistakes(app, tmp_path):
    out = tmp_path / "out"
    _class_results(out)
    at = app.run()
    at.switch_page("app_pages/class_page.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Class report"
    assert "No results in OUT" in at.info[0].value  # until a folder is given
    at.text_input(key="class.folder").input(str(out)).run()
    assert not at.exception, at.exception
    assert {metric.label: metric.value for metric in at.metric} == {"ch01_lenet": "4.3/7"}  # (7 + 3 + 3) / 3
    assert len(at.get("vega_lite_chart")) == 2  # the score distribution, the pass rates
    mistakes = at.dataframe[0].value
    assert list(mistakes.columns[:4]) == ["students", "share", "chapter", "check"]
    first = mistakes.iloc[0]
    assert (first["students"], first["check"], first["kind"], first["who"]) == (2, "LeNet5.structure", "activation",
                                                                                "ben, cid")
    assert first["share"] == pytest.approx(2 / 3)
    at.radio(key="lang").set_value("zh-TW").run()
    assert at.title[0].value == "全班報告" and "常見錯誤" in [s.value for s in at.subheader]
