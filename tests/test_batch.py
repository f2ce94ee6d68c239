"""Grading a class (``python -m grader batch``): a synthetic class of about 30 students in the three layouts
(tests/classroom.py), with hangs, crashes, os._exit, a memory bomb, a syntax error, empty folders and
notebooks, graded with exact expected scores by local workers and by a Dask LocalCluster that loses a
worker; a batch interrupted by Ctrl-C and then killed with kill -9 resumes to the same grades.

Short limits keep it cheap: the learner's code gets 3 s (the hangs cost that much each) and 1 GB.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from grader.submissions import MODEL, WORKSHEET, find_submissions, notebook_files
from tests.classroom import FORMULAS, LEARNERS, LENET, _write, build_class, results, scores
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# chapter 1 only: LeNet-5 grades well within 512 MB, and a memory bomb reaches that cap in one allocation,
# well within the time limit even on a loaded machine
LIMITS = ["--timeout", "3", "--memory-mb", "512"]
RUN_TIMEOUT = 300  # seconds for one batch command on a busy 2-core machine
# the class's scores are worked out by hand with all-or-nothing checks (tests/classroom.py): an instructor's
# course config turns partial credit off; test_partial_credit_is_the_default_as_in_nbgrader covers the default
ALL_OR_NOTHING = "[partial]\nenabled = false\n"


def _command(root: Path, out: Path, *extra: str) -> list[str]:
    course = out.parent / "course.toml"
    course.parent.mkdir(parents=True, exist_ok=True)
    course.write_text(ALL_OR_NOTHING, encoding="utf-8")
    return [sys.executable, "-m", "grader", "batch", str(root), "--chapter", "all", "--out", str(out), *LIMITS,
            "--course", str(course), *extra]


def _batch(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(_command(root, out, *extra), capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=ROOT)
    assert done.returncode == 0, f"batch failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-5000:]}"
    return done


def _start(root: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    """The batch in its own session, as a terminal starts a command (Ctrl-C goes to its process group)."""
    return subprocess.Popen(_command(root, out, "--quiet", *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, start_new_session=True)


def _saved(out: Path) -> int:
    return len(list(out.glob("*/ch*.json")))


def _wait_for(out: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT
    while _saved(out) < count:
        assert process.poll() is None, f"the batch ended before {count} results: {process.communicate()}"
        assert time.monotonic() < deadline, f"fewer than {count} results after {RUN_TIMEOUT} s"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, int]]]:
    root = tmp_path_factory.mktemp("class") / "submitted"
    return root, build_class(root)


@pytest.fixture(scope="module")
def local_run(classroom, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The whole class on two local worker processes, uninterrupted: the reference for the other runs."""
    root, _ = classroom
    out = tmp_path_factory.mktemp("local") / "out"
    return out, _batch(root, out, "--workers", "2", "--gradescope")


def test_the_class_is_about_thirty_students_in_every_layout(classroom):
    root, expected = classroom
    assert 28 <= len(expected) <= 32
    found = find_submissions(root)
    assert {s.chapter for s in found} == {LENET, FORMULAS}
    sources = {s.student: s.source for s in found if s.chapter == LENET}
    assert sources["flat_correct"] == "files" and sources["gh_correct"] == "files"
    assert sources["nb_correct"] == f"notebook:{LENET}/{LENET}.ipynb"
    by_student = {(s.student, s.chapter): s for s in found}
    assert [f.name for f in by_student["gh_correct", LENET].files] == [f"exercises/{LENET}/worksheet.py",
                                                                      f"exercises/{LENET}/lenet.py"]
    assert by_student["flat_empty", LENET].empty and by_student["flat_lone_worksheet", LENET].empty
    assert by_student["nb_broken", LENET].problem.startswith(f"{LENET}/{LENET}.ipynb: ")


def test_every_student_gets_exactly_the_expected_score_from_local_workers(classroom, local_run):
    _, expected = classroom
    out, done = local_run
    assert scores(out) == expected
    assert f"{2 * len(expected)} graded, 0 already graded, 0 not graded" in done.stdout


def test_what_the_grader_said_about_each_kind_of_trouble(local_run):
    found = results(local_run[0])

    def first(student: str, chapter: str = LENET, part: str = "LeNet5.structure") -> dict:
        return next(c for c in found[student, chapter]["checks"] if c["id"] == part)

    assert first("flat_hang")["kind"] == "timeout" and "did not finish within 3 s" in first("flat_hang")["message"]
    assert first("flat_hanging_worksheet", part="worksheet.CONV1_OUTPUT")["kind"] == "timeout"
    assert first("flat_crash")["kind"] == "error" and "signal 11" in first("flat_crash")["message"]
    assert first("flat_os_exit")["kind"] == "exit" and "exit code 3" in first("flat_os_exit")["message"]
    assert first("flat_memory_bomb")["kind"] == "memory"
    assert first("flat_syntax_error")["kind"] == "syntax"
    assert first("flat_syntax_error")["message"].startswith("lenet.py, line ")  # the student's name for the file
    assert first("gh_sys_exit")["kind"] == "exit"
    assert first("flat_tanh")["kind"] == "activation"
    assert first("flat_untouched")["kind"] == "not_implemented"
    empty = first("flat_empty")
    assert empty["kind"] == "not_submitted" and empty["message"].startswith("Nothing to grade for ch01_lenet")
    assert first("gh_no_worksheet", part="worksheet.CONV1_OUTPUT")["message"] == "worksheet.py was not handed in."
    assert "could not be read" in first("nb_broken")["message"]
    assert "/tmp" not in json.dumps(found["flat_syntax_error", LENET])  # no scratch folder in any message


def test_grades_csv_has_one_row_per_student_chapter_and_check(classroom, local_run):
    out, _ = local_run
    raw = (out / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheets read it as UTF-8
    with (out / "grades.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["student", "chapter", "check", "points", "max_points", "passed", "kind", "layer",
                             "suspect", "message"]
    assert len(rows) == len(classroom[1]) * 22  # ch01: 7 blanks + 4 model checks; ch00: 6 blanks + 5 formulas
    total: dict[tuple[str, str], float] = {}
    for row in rows:
        total[row["student"], row["chapter"]] = total.get((row["student"], row["chapter"]), 0) + float(row["points"])
    assert {key: value for key, value in total.items()} == {(s, c): v for s, d in classroom[1].items() for c, v in d.items()}
    carol = next(row for row in rows if row["student"] == "flat_tanh" and row["check"] == "LeNet5.structure")
    assert (carol["passed"], carol["kind"], carol["layer"]) == ("false", "activation", "1")  # tanh after conv layer 1 already


def _solution_lines() -> set[str]:
    lines = set()
    for name in ("ch01_lenet/lenet.py", "ch00_formulas/formulas.py"):
        for line in (ROOT / "solutions" / name).read_text().splitlines():
            line = line.strip()
            if len(line) >= 12 and not line.startswith(("#", '"', "import", "from", "def ", "class ")):
                lines.add(line)
    return lines


def test_feedback_shows_the_message_and_every_hint_level_never_the_reference(local_run):
    out, _ = local_run
    record = results(out)["flat_hardcoded_classes", LENET]
    check = next(c for c in record["checks"] if c["id"] == "LeNet5.num_classes")
    feedback = (out / "flat_hardcoded_classes" / f"{LENET}.md").read_text()
    assert feedback.startswith("# ch01_lenet: LeNet-5 (1998)\n\n**flat\\_hardcoded\\_classes**: 16/17 points.")
    assert len(check["hints"]) == 3
    from grader.exports import markdown_text

    for hint in check["hints"]:  # the message, then the why and the fix, as Markdown
        assert markdown_text(hint) in feedback
    assert "- **Hint 3:** Build the layer that outputs the classes from num\\_classes" in feedback
    secret = _solution_lines()
    for path in out.glob("*/*.md"):
        shown = {line.strip() for line in path.read_text().splitlines()}
        assert not shown & secret, (path, sorted(shown & secret)[:3])


def test_gradescope_results_have_the_documented_fields(local_run):
    out, _ = local_run
    results_json = json.loads((out / "flat_hardcoded_classes" / "results.json").read_text())
    assert results_json["score"] == 16  # ch01 16 + ch00 0
    tests = {test["name"]: test for test in results_json["tests"]}
    assert set(next(iter(tests.values()))) == {"name", "score", "max_score", "status", "output", "visibility"}
    hidden = tests[f"{LENET} LeNet5.num_classes"]
    assert (hidden["score"], hidden["max_score"], hidden["status"], hidden["visibility"]) == (0, 1, "failed",
                                                                                              "after_published")
    assert tests[f"{LENET} LeNet5.structure"]["visibility"] == "visible"
    assert tests[f"{LENET} worksheet.CONV1_OUTPUT"]["status"] == "passed"
    assert "Hint 3: Build the layer that outputs the classes from num_classes" in hidden["output"]


def test_the_class_report_groups_the_mistakes(classroom, local_run):
    out, _ = local_run
    done = subprocess.run([sys.executable, "-m", "grader", "report", str(out)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Score distribution" in done.stdout and "Common mistakes" in done.stdout
    page = (out / "report.html").read_text()
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<svg" in page
    from grader.class_report import ClassResults

    report = ClassResults.load(out)
    mistakes = {(m.chapter, m.check, m.kind): m for m in report.mistakes()}
    timeouts = mistakes[LENET, "LeNet5.structure", "timeout"]
    assert timeouts.students == ["flat_hang"] and timeouts.count == 1
    activation = mistakes[LENET, "LeNet5.structure", "activation"]
    assert activation.students == ["flat_tanh"] and activation.layer == 1
    assert (LENET, "LeNet5.params", "timeout") not in mistakes  # one hang, one cause: counted at its first check
    assert not any(kind == "not_submitted" for _, _, kind in mistakes)  # not a mistake: listed apart
    softmax = mistakes[LENET, "LeNet5.structure", "extra_layer"]
    assert softmax.share == pytest.approx(len(softmax.students) / len(report.students))
    missing = report.not_handed_in()
    assert missing[FORMULAS] == sorted(s for s, chapters in classroom[1].items()
                                       if s not in ("gh_correct", "gh_formula_bug", "gh_extra_conv", "nb_both_chapters"))
    assert missing[LENET] == ["flat_empty", "flat_lone_worksheet", "gh_no_worksheet", "nb_broken"]
    rates = {(r.chapter, r.check): r for r in report.pass_rates()}
    # every LeNet that builds and runs for num_classes=7: all but the hard-coded, broken, hanging and stub ones
    assert rates[LENET, "LeNet5.num_classes"].passed == 16


def _dask_workers(batch: int) -> list[psutil.Process]:
    """The LocalCluster's worker processes: those that started a forkserver (gradings come and go meanwhile)."""

    def forkserver(process: psutil.Process) -> bool:  # the server, and the grading children it forks
        with contextlib.suppress(psutil.NoSuchProcess):
            return "forkserver" in " ".join(process.cmdline())
        return False

    for _ in range(50):
        with contextlib.suppress(psutil.NoSuchProcess):
            workers = [p for p in psutil.Process(batch).children(recursive=True)
                       if not forkserver(p) and any(forkserver(child) for child in p.children())]
            if len(workers) >= 2:
                return workers
        time.sleep(0.1)
    return []


def test_a_dask_local_cluster_that_loses_a_worker_gives_the_same_grades(classroom, local_run, tmp_path):
    root, expected = classroom
    out = tmp_path / "out"
    process = _start(root, out, "--scheduler", "local:2")
    _wait_for(out, 12, process)
    # a machine of the cluster is lost: a worker and everything it started, at once
    workers = _dask_workers(process.pid)
    assert len(workers) == 2, workers
    lost = [workers[0], *workers[0].children(recursive=True)]
    for victim in lost:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.kill()
    stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
    assert process.returncode == 0, stderr[-5000:]
    assert scores(out) == expected
    assert (out / "grades.csv").read_bytes() == (local_run[0] / "grades.csv").read_bytes()


def test_an_interrupted_batch_resumes_to_the_same_grades(classroom, local_run, tmp_path):
    root, expected = classroom
    reference = local_run[0]
    out = tmp_path / "out"
    total = 2 * len(expected)

    # Ctrl-C: the batch stops its workers, keeps what it saved, says how to go on
    process = _start(root, out, "--workers", "2")
    _wait_for(out, 8, process)
    tree = psutil.Process(process.pid).children(recursive=True)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Interrupted:" in stderr and "Run the same command again" in stderr
    first = _saved(out)
    assert 8 <= first < total
    _, alive = psutil.wait_procs(tree, timeout=10)
    assert not alive, [p.cmdline() for p in alive]

    # kill -9: nothing can clean up in the batch command; its workers notice and stop themselves
    process = _start(root, out, "--workers", "2")
    _wait_for(out, first + 6, process)
    tree = psutil.Process(process.pid).children(recursive=True)
    process.kill()
    process.communicate(timeout=60)
    second = _saved(out)
    assert first + 6 <= second < total
    _, alive = psutil.wait_procs(tree, timeout=15)
    assert not alive, [p.cmdline() for p in alive]
    for path in out.glob("*/ch*.json"):
        json.loads(path.read_text())  # every result on disk is whole

    done = _batch(root, out, "--workers", "2", "--gradescope")
    assert f"{total - second} graded, {second} already graded" in done.stdout
    assert scores(out) == expected
    for name in ("grades.csv", "scores.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    for path in reference.glob("*/*.md"):
        assert (out / path.relative_to(reference)).read_text() == path.read_text(), path


def test_a_rerun_grades_only_what_changed(classroom, local_run, tmp_path):
    import shutil

    root, expected = classroom
    out = tmp_path / "out"
    shutil.copytree(local_run[0], out)
    class_copy = tmp_path / "class"
    shutil.copytree(root, class_copy)
    (class_copy / "flat_tanh" / "lenet.py").write_text((ROOT / "solutions" / LENET / "lenet.py").read_text())
    done = _batch(class_copy, out, "--workers", "0")
    assert f"1 graded, {2 * len(expected) - 1} already graded" in done.stdout
    assert scores(out)["flat_tanh"] == {LENET: 17, FORMULAS: 0}


def test_partial_credit_is_the_default_as_in_nbgrader(tmp_path):
    """Without --course a failed check earns the share of the reference it matches (grader.scoring), the
    same points nbgrader's course and ``grade()`` give the file; another course config grades everything again."""
    from grader.pipeline import grade

    root, out = tmp_path / "class", tmp_path / "out"
    sheet = (ROOT / "solutions" / LENET / "worksheet.py").read_text()
    models = {"ann": ROOT / "solutions" / LENET / "lenet.py", "ben": LEARNERS / LENET / "tanh.py",
              "cat": LEARNERS / LENET / "bias_false.py"}
    for student, model in models.items():
        _write(root / student / "lenet.py", model.read_text())
        _write(root / student / "worksheet.py", sheet)
    command = [sys.executable, "-m", "grader", "batch", str(root), "--chapter", "ch01", "--out", str(out), *LIMITS,
               "--workers", "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    partial = {student: chapters[LENET] for student, chapters in scores(out).items()}
    assert partial["ann"] == 17
    for student, all_or_nothing in (("ben", 10), ("cat", 12)):  # tests/classroom.py's hand-worked scores
        assert all_or_nothing < partial[student] < 17, (student, partial)
        own = grade(LENET, root / student / "lenet.py", worksheet=False, timeout=30)
        assert partial[student] == pytest.approx(7 + own.score)
    structure = next(c for c in results(out)["ben", LENET]["checks"] if c["id"] == "LeNet5.structure")
    assert 0 < structure["points"] < structure["max_points"] == 4

    course = tmp_path / "course.toml"
    course.write_text(ALL_OR_NOTHING, encoding="utf-8")
    done = subprocess.run([*command, "--course", str(course)], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          cwd=ROOT)
    assert done.returncode == 0 and "3 graded, 0 already graded" in done.stdout, done.stdout + done.stderr[-3000:]
    assert {student: chapters[LENET] for student, chapters in scores(out).items()} == {"ann": 17, "ben": 10, "cat": 12}


def test_a_course_config_with_a_mistake_is_refused_before_grading(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text("[points]\nstructur = 4\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "grader", "batch", str(tmp_path), "--chapter", "ch01", "--out",
                           str(tmp_path / "out"), "--course", str(course)], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, cwd=ROOT)
    assert done.returncode == 2 and "unknown check 'structur'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


# -- the parts, without grading ---------------------------------------------------------------------------
def test_a_notebook_is_read_cell_by_cell_and_never_run():
    from grader.chapters import get_chapter

    notebook = {"cells": [
        {"cell_type": "code", "source": ["%%writefile lenet.py\n", "import torch\n"]},
        {"cell_type": "code", "source": "import os\nos._exit(0)"},
        {"cell_type": "markdown", "source": "%%writefile worksheet.py\nnot code"},
        {"cell_type": "code", "source": "%%writefile -a lenet.py\nX = 1\n"},
        {"cell_type": "code", "source": "%%writefile worksheet.py\nCONV1_OUTPUT = (6, 28, 28)"},
    ]}
    files = notebook_files(notebook, get_chapter("ch01"))
    assert files == {"lenet.py": "\nimport torch\nX = 1\n", "worksheet.py": "\nCONV1_OUTPUT = (6, 28, 28)"}


def test_a_flat_worksheet_belongs_to_the_one_chapter_graded(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "worksheet.py").write_text("CONV1_OUTPUT = None\n")
    [alone] = find_submissions(tmp_path, ["ch01"])
    assert [f.role for f in alone.files] == [WORKSHEET]
    (tmp_path / "ann" / "vgg.py").write_text("class VGG16: pass\n")
    found = {s.chapter: s for s in find_submissions(tmp_path)}
    assert set(found) == {"ch05_vgg"} and [f.role for f in found["ch05_vgg"].files] == [WORKSHEET, MODEL]
