"""The nbgrader course, end to end with the installed nbgrader (marked ``nbgrader``; about 2 minutes).

One instructor cycle in a temporary course folder: ``python -m grader nbgrader``, ``nbgrader
generate_assignment`` for every chapter, submissions from several students (the solution, the untouched
release, single defects, a model that raises, one that hangs, one that kills its kernel, one that ignores
the interrupt), ``nbgrader autograde``, the scores read back through ``nbgrader.api.Gradebook``,
``nbgrader generate_feedback`` and ``nbgrader export``. Short limits keep the hanging students cheap.
"""

from __future__ import annotations

import csv
import html
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from grader.chapters import CHAPTERS, get_chapter
from grader.nbgrader_course import notebook_points
from tests.conftest import committed

pytestmark = pytest.mark.nbgrader

CELL_TIMEOUT, GRADER_TIMEOUT, INTERRUPT_GRACE = 15, 6, 3  # seconds

Edit = Callable[[str], str]


def _replace(old: str, new: str) -> Edit:
    def edit(source: str) -> str:
        assert old in source, f"the reference changed: {old!r} is gone; update this test's defect"
        return source.replace(old, new, 1)

    return edit


def _append(code: str) -> Edit:
    return lambda source: source.rstrip() + "\n\n" + code + "\n"


# student -> (worksheet solved?, model solved?, edit of the solved model cell, expected score)
STUDENTS: dict[str, dict[str, tuple[bool, bool, Edit | None, int]]] = {
    "ch01_lenet": {  # 17 points: 7 worksheet blanks, structure 4, params 2, num_classes 1, function 3
        "alice": (True, True, None, 17),  # the solution
        "bob": (False, False, None, 0),  # the release, untouched
        "carol": (True, True, _replace("nn.Linear(84, num_classes)", "nn.Linear(84, 10)"), 16),  # hidden num_classes
        "dave": (True, True, _replace("x = torch.flatten(x, 1)", "x = x.view(x.size(0), 16 * 4 * 4)"), 7),  # raises
        "erin": (False, True, _append("while True:\n    pass"), 0),  # hangs the try cell and the grader's child
        "frank": (False, True, _append("import os\n\nos._exit(0)"), 0),  # kills its kernel
        "george": (False, True, _append("import signal\n\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                        "while True:\n    pass"), 0),  # ignores the interrupt
    },
    "ch00_formulas": {  # 16 points: 6 worksheet blanks, 2 per formula
        "alice": (True, True, None, 16),
        "bob": (False, False, None, 0),
        # right for strides 1, 2 and 4 (every fixed case), wrong for 3: only the hidden random cases see it
        "carol": (True, True, _replace("return (size - kernel_size + 2 * padding) // stride + 1",
                                       "return ((size - kernel_size + 2 * padding) >> (stride // 2)) + 1"), 14),
    },
}


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-6000:]}"
    return result


def _notebook(course: Path, folder: str, chapter: str, student: str | None = None) -> nbformat.NotebookNode:
    parts = [folder, student, chapter] if student else [folder, chapter]
    return nbformat.read(course.joinpath(*parts, f"{chapter}.ipynb"), as_version=4)


def _cell(notebook: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(cell for cell in notebook.cells if cell.get("id") == cell_id)


def _solved(source: str) -> str:
    """A solution cell as a learner who solved it hands it in: the reference, without nbgrader's markers."""
    return "\n".join(line for line in source.split("\n") if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def _solution_lines(notebook: nbformat.NotebookNode) -> set[str]:
    """Lines that only the solution regions hold (the stub above each region shares some, e.g. imports)."""
    inside, outside = set(), set()
    for cell in notebook.cells:
        region = False
        for line in cell.source.split("\n"):
            if "BEGIN SOLUTION" in line or "END SOLUTION" in line:
                region = "BEGIN" in line
                continue
            (inside if region else outside).add(line.strip())
    return {line for line in inside - outside if len(line) >= 8 and not line.startswith("#")}


def _text(path: Path) -> str:
    """A feedback page as a person reads it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    # built from the committed course (git HEAD), never from a learner's work in this checkout's exercises/
    built = subprocess.run([sys.executable, "-m", "grader", "nbgrader", str(course), "--cell-timeout",
                            str(CELL_TIMEOUT), "--grader-timeout", str(GRADER_TIMEOUT)],
                           capture_output=True, text=True, timeout=120, env={**os.environ, "CNN_DOJO_ROOT": str(committed())})
    assert built.returncode == 0, built.stderr
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(f"\nc.ExecuteUntilDeath.interrupt_grace = {INTERRUPT_GRACE}\n")
    _nbgrader(course, "generate_assignment", "*")

    for chapter, students in STUDENTS.items():
        source, release = _notebook(course, "source", chapter), _notebook(course, "release", chapter)
        for student, (worksheet, model, edit, _) in students.items():
            notebook = nbformat.from_dict(release)
            if worksheet:
                _cell(notebook, "worksheet").source = _solved(_cell(source, "worksheet").source)
            if model:
                _cell(notebook, "model").source = _solved(_cell(source, "model").source)
            if edit is not None:
                _cell(notebook, "model").source = edit(_cell(notebook, "model").source)
            folder = course / "submitted" / student / chapter
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"{chapter}.ipynb")

    _nbgrader(course, "autograde", "*")  # every chapter, every student; exits 0 only if none failed
    _nbgrader(course, "generate_feedback", "*")
    _nbgrader(course, "export", "--to", "grades.csv")
    return course


def test_the_course_has_the_config_and_one_notebook_per_chapter(course):
    config = (course / "nbgrader_config.py").read_text()
    assert f"CELL_TIMEOUT = {CELL_TIMEOUT}" in config and "c.ExecutePreprocessor.timeout = CELL_TIMEOUT" in config
    assert "c.CourseDirectory.course_id = 'cnn-dojo'" in config
    assert f"CNN_DOJO = {str(Path(__file__).resolve().parent.parent)!r}" in config  # the kernels' grader
    for chapter in CHAPTERS:
        assert f"'{chapter.id}'" in config
        notebook = _notebook(course, "source", chapter.id)
        graded = {cell.id: cell.metadata["nbgrader"]["points"] for cell in notebook.cells
                  if cell.metadata.get("nbgrader", {}).get("grade")}
        assert graded == notebook_points(chapter)


def test_the_release_holds_no_solution_and_no_hidden_test(course):
    for chapter in CHAPTERS:
        secret = _solution_lines(_notebook(course, "source", chapter.id))
        assert len(secret) >= 5, chapter.id
        release = _notebook(course, "release", chapter.id)
        text = "\n".join(cell.source for cell in release.cells)
        shown = {line.strip() for line in text.split("\n")}
        assert not secret & shown, (chapter.id, sorted(secret & shown)[:5])
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "cases="):
            assert marker not in text, (chapter.id, marker)
        for spec in chapter.models:
            for check in chapter.hidden:
                assert f"{spec.label}.{check}" not in text, (chapter.id, check)
        # the released cells are the exercise's own files
        assert _cell(release, "model").source.startswith(f"%%writefile {Path(chapter.file).name}\n")
        for line in chapter.exercise_path(committed()).read_text().splitlines():
            if "raise NotImplementedError" in line or "# TODO" in line:
                assert line in text, (chapter.id, line)


def _grades(course: Path, chapter: str) -> dict[str, tuple[float, dict[str, float]]]:
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cnn-dojo") as gradebook:
        for student in STUDENTS[chapter]:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            scores[student] = (notebook.score, {grade.name: grade.score for grade in notebook.grades})
    return scores


@pytest.mark.parametrize("chapter", list(STUDENTS))
def test_every_submission_gets_exactly_its_expected_score(course, chapter):
    scores = _grades(course, chapter)
    maximum = sum(notebook_points(get_chapter(chapter)).values())
    assert scores["alice"] == (maximum, {name: float(p) for name, p in notebook_points(get_chapter(chapter)).items()})
    assert {student: score for student, (score, _) in scores.items()} == \
        {student: expected for student, (*_, expected) in STUDENTS[chapter].items()}


def test_a_single_defect_costs_exactly_its_check(course):
    lenet = _grades(course, "ch01_lenet")["carol"][1]
    assert [name for name, score in lenet.items() if score == 0] == ["LeNet5_num_classes"]  # a hidden test
    formulas = _grades(course, "ch00_formulas")["carol"][1]
    assert [name for name, score in formulas.items() if score == 0] == ["formulas_conv_output_size"]


def _outputs(course: Path, student: str, cell_id: str, chapter: str = "ch01_lenet") -> str:
    cell = _cell(_notebook(course, "autograded", chapter, student), cell_id)
    return "\n".join(f"{out.get('ename', '')}: {out.get('evalue', '')} {out.get('text', '')}" for out in cell.outputs)


def test_a_hanging_cell_times_out_and_the_grader_stops_the_hanging_model(course):
    assert "CellTimeoutError" in _outputs(course, "erin", "try")
    assert f"did not finish within {GRADER_TIMEOUT} s" in _outputs(course, "erin", "LeNet5_structure")


def test_a_dead_kernel_fails_every_cell_after_it(course):
    assert "the kernel died while this cell ran" in _outputs(course, "frank", "try")
    for cell_id in notebook_points(get_chapter("ch01_lenet")):
        if cell_id.startswith("LeNet5"):
            assert "not run: the kernel died" in _outputs(course, "frank", cell_id)


def test_a_kernel_that_ignores_the_interrupt_is_given_up(course):
    assert "did not stop" in _outputs(course, "george", "try")
    assert "not run: the kernel did not stop" in _outputs(course, "george", "LeNet5_function")


def test_feedback_shows_the_graders_hint_and_no_reference_code(course):
    from grader.pipeline import grade

    # what the grader says about carol's file is what her feedback says
    carol = course / "autograded" / "carol" / "ch01_lenet" / "lenet.py"
    check = grade("ch01_lenet", carol, worksheet=False).check("LeNet5.num_classes")
    feedback = _text(course / "feedback" / "carol" / "ch01_lenet" / "ch01_lenet.html")
    assert check.message in feedback
    assert check.hints[1] in feedback  # level 2, the why: "The last layer's size is hard-coded: ..."
    formulas = _text(course / "feedback" / "carol" / "ch00_formulas" / "ch00_formulas.html")
    assert "formulas.conv_output_size: conv_output_size(" in formulas
    # an untouched release's feedback: the hints of "not started", and not one line of the reference
    untouched = _text(course / "feedback" / "bob" / "ch01_lenet" / "ch01_lenet.html")
    assert "not started yet" in untouched
    secret = _solution_lines(_notebook(course, "source", "ch01_lenet"))
    assert not {line.strip() for line in untouched.split("\n")} & secret


def test_export_lists_every_score(course):
    with (course / "grades.csv").open() as file:
        rows = {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(file)}
    for chapter, students in STUDENTS.items():
        for student, (*_, expected) in students.items():
            assert rows[(chapter, student)] == expected
