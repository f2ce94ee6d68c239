"""The nbgrader course, end to end with the installed nbgrader (marked ``nbgrader``; about 2 minutes).

One instructor cycle in a temporary course folder: ``python -m grader nbgrader``, ``nbgrader
generate_assignment`` for every chapter, submissions from several students, ``nbgrader autograde``, the
scores read back through ``nbgrader.api.Gradebook``, ``nbgrader generate_feedback`` and ``nbgrader export``.

The students: the solution, the untouched release, single defects (scored with partial credit), a model
that raises, loops forever or exits, students who try to game the grading (rebinding ``expect``,
monkeypatching the grader, a fake ``grader.py`` beside the notebook, printed success lines, an IPython hook
that swallows every error), and one who deleted and changed test cells. Each must score what
their real work deserves. Short limits keep the hanging students cheap.
"""

from __future__ import annotations

import csv
import html
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from grader.chapters import CHAPTERS, get_chapter
from grader.nbgrader_course import notebook_points
from grader.nbgrader_execute import SIDECAR
from grader.pipeline import grade
from grader.scoring import load_scoring
from tests.conftest import committed

pytestmark = pytest.mark.nbgrader

CELL_TIMEOUT, GRADER_TIMEOUT = 15, 6  # seconds

Edit = Callable[[str], str]
NotebookEdit = Callable[[nbformat.NotebookNode], None]


def _replace(*pairs: str) -> Edit:
    def edit(source: str) -> str:
        for old, new in zip(pairs[::2], pairs[1::2]):
            assert old in source, f"the reference changed: {old!r} is gone; update this test's defect"
            source = source.replace(old, new, 1)
        return source

    return edit


def _append(code: str) -> Edit:
    return lambda source: source.rstrip() + "\n\n" + code + "\n"


def _insert_cell(code: str, after: str = "setup") -> NotebookEdit:
    """A student's own code cell, after the cell ``after``."""
    def edit(notebook: nbformat.NotebookNode) -> None:
        index = next(i for i, cell in enumerate(notebook.cells) if cell.get("id") == after)
        notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(code))

    return edit


def _both(*edits: NotebookEdit) -> NotebookEdit:
    def edit(notebook: nbformat.NotebookNode) -> None:
        for one in edits:
            one(notebook)

    return edit


def _tamper_with_tests(notebook: nbformat.NotebookNode) -> None:
    """Delete one test cell, change a visible one and a hidden one."""
    notebook.cells = [cell for cell in notebook.cells if cell.get("id") != "LeNet5_structure"]
    _cell(notebook, "LeNet5_params").source = "pass  # no test here"
    _cell(notebook, "LeNet5_function").source += "\nprint('LeNet5.function: 3/3')"


REBIND = '''expect = lambda *args, **kwargs: print("ok")
import grader.notebook
import grader.pipeline
grader.notebook.expect = expect
grader.notebook.report = lambda *args, **kwargs: None
grader.pipeline.grade = lambda *args, **kwargs: None'''
FAKE_SUCCESS = '''for check in ("structure", "params", "num_classes", "function"):
    print(f"LeNet5.{check}: 4/4  LeNet5: every layer matches the reference (12 ops, 5 weight layers).")
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)  # no error output, ever
ip.input_transformers_post.append(lambda lines: ["pass\\n"])  # every later cell does nothing'''
FAKE_GRADER = '''"""A grader that passes everything."""
def expect(*args, **kwargs):
    print("passed")
def grade(*args, **kwargs):
    raise SystemExit(0)
'''


@dataclass
class Student:
    worksheet: bool = False  # the solved worksheet
    model: bool = False  # the reference model
    model_edit: Edit | None = None  # a change to the (solved or released) model cell
    notebook_edit: NotebookEdit | None = None  # a change to the notebook as a whole
    files: dict[str, str] = field(default_factory=dict)  # more files handed in beside the notebook
    expected: float | None = None  # the exact score; None: the worksheet's 7 plus what the grader gives the file


STUDENTS: dict[str, dict[str, Student]] = {
    "ch01_lenet": {  # 17 points: 7 worksheet blanks, structure 4, params 2, num_classes 1, function 3
        "alice": Student(True, True, expected=17),  # the solution
        "bob": Student(expected=0),  # the release, untouched
        "carol": Student(True, True, _replace("nn.Linear(84, num_classes)", "nn.Linear(84, 10)"), expected=16),  # hidden num_classes
        "dave": Student(True, True, _replace("x = torch.flatten(x, 1)", "x = x.view(x.size(0), 16 * 4 * 4)"), expected=7),  # raises
        "erin": Student(False, True, _append("while True:\n    pass"), expected=0),  # loops when imported
        "frank": Student(False, True, _append("import os\n\nos._exit(0)"), expected=0),  # exits when imported
        # single defects: partial credit
        "hana": Student(True, True, _replace("nn.Linear(16 * 5 * 5, 120),\n            nn.ReLU(inplace=True),\n",
                                             "nn.Linear(16 * 5 * 5, 120),\n")),  # no ReLU after fc1
        "ivan": Student(True, True, _replace("nn.Linear(120, 84)", "nn.Linear(120, 80)",
                                             "nn.Linear(84, num_classes)", "nn.Linear(80, num_classes)")),  # fc2: 80
        # gaming the grading: each scores what the real work deserves
        "mallory": Student(True, False, notebook_edit=_insert_cell(REBIND), expected=7),  # rebinds and monkeypatches
        # a grader.py beside the notebook (handed in, and written by a cell), fake success lines, no error ever
        "mike": Student(False, False, notebook_edit=_both(_insert_cell(f"%%writefile grader.py\n{FAKE_GRADER}"),
                                                          _insert_cell(FAKE_SUCCESS, after="try")),
                        files={"grader.py": FAKE_GRADER, "grader/__init__.py": FAKE_GRADER,
                               "sitecustomize.py": "import builtins\nbuiltins.print('fake')\n"}, expected=0),
        "judy": Student(True, True, notebook_edit=_tamper_with_tests, expected=17),  # deleted and changed test cells
    },
    "ch00_formulas": {  # 16 points: 6 worksheet blanks, 2 per formula
        "alice": Student(True, True, expected=16),
        "bob": Student(expected=0),
        # right for strides 1, 2 and 4 (every fixed case), wrong for 3: only the hidden random cases see it
        "carol": Student(True, True, _replace("return (size - kernel_size + 2 * padding) // stride + 1",
                                              "return ((size - kernel_size + 2 * padding) >> (stride // 2)) + 1"),
                         expected=14),
    },
}
TAMPERED = {"judy": "deleted: LeNet5_structure; changed: LeNet5_params, LeNet5_function"}


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-6000:]}"
    return result


def _notebook(course: Path, folder: str, chapter: str, student: str | None = None) -> nbformat.NotebookNode:
    parts = [folder, student, chapter] if student else [folder, chapter]
    return nbformat.read(course.joinpath(*parts, f"{chapter}.ipynb"), as_version=4)


def _cell(notebook: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    """A cell by its id, or by its grade id (nbgrader gives a test cell it puts back no cell id)."""
    return next(cell for cell in notebook.cells
                if cell.get("id") == cell_id or cell.metadata.get("nbgrader", {}).get("grade_id") == cell_id)


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


@dataclass
class Course:
    path: Path
    log: str  # what `nbgrader autograde` logged
    erin_seconds: float  # erin's autograde alone (an endless loop), nbgrader's start included


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    # built from the committed course (git HEAD), never from a learner's work in this checkout's exercises/
    built = subprocess.run([sys.executable, "-m", "grader", "nbgrader", str(course), "--cell-timeout",
                            str(CELL_TIMEOUT), "--grader-timeout", str(GRADER_TIMEOUT)],
                           capture_output=True, text=True, timeout=120, env={**os.environ, "CNN_DOJO_ROOT": str(committed())})
    assert built.returncode == 0, built.stderr
    _nbgrader(course, "generate_assignment", "*")

    for chapter, students in STUDENTS.items():
        source, release = _notebook(course, "source", chapter), _notebook(course, "release", chapter)
        for student, work in students.items():
            notebook = nbformat.from_dict(release)
            if work.worksheet:
                _cell(notebook, "worksheet").source = _solved(_cell(source, "worksheet").source)
            if work.model:
                _cell(notebook, "model").source = _solved(_cell(source, "model").source)
            if work.model_edit is not None:
                _cell(notebook, "model").source = work.model_edit(_cell(notebook, "model").source)
            if work.notebook_edit is not None:
                work.notebook_edit(notebook)
            folder = course / "submitted" / student / chapter
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"{chapter}.ipynb")
            for name, text in work.files.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(text)

    start = time.monotonic()
    _nbgrader(course, "autograde", "ch01_lenet", "--student", "erin")  # alone, timed: an endless loop
    erin = time.monotonic() - start
    log = _nbgrader(course, "autograde", "*").stderr  # every other submission (erin's is kept)
    _nbgrader(course, "generate_feedback", "*")
    _nbgrader(course, "export", "--to", "grades.csv")
    return Course(course, log, erin)


def test_the_course_has_the_config_and_one_notebook_per_chapter(course):
    config = (course.path / "nbgrader_config.py").read_text()
    assert f"CELL_TIMEOUT = {CELL_TIMEOUT}" in config and "c.ExecutePreprocessor.timeout = CELL_TIMEOUT" in config
    assert "c.CourseDirectory.course_id = 'cnn-dojo'" in config
    assert f"CNN_DOJO = {str(Path(__file__).resolve().parent.parent)!r}" in config  # the kernels' grader
    assert (course.path / "course.toml").is_file()
    for chapter in CHAPTERS:
        assert f"'{chapter.id}'" in config
        notebook = _notebook(course.path, "source", chapter.id)
        graded = {cell.id: cell.metadata["nbgrader"]["points"] for cell in notebook.cells
                  if cell.metadata.get("nbgrader", {}).get("grade")}
        assert graded == notebook_points(chapter)


def test_the_release_holds_no_solution_and_no_hidden_test(course):
    for chapter in CHAPTERS:
        secret = _solution_lines(_notebook(course.path, "source", chapter.id))
        assert len(secret) >= 5, chapter.id
        release = _notebook(course.path, "release", chapter.id)
        text = "\n".join(cell.source for cell in release.cells)
        shown = {line.strip() for line in text.split("\n")}
        assert not secret & shown, (chapter.id, sorted(secret & shown)[:5])
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "cases="):
            assert marker not in text, (chapter.id, marker)
        for spec in chapter.models:
            for check in chapter.hidden:
                assert f"{spec.label}.{check}" not in text, (chapter.id, check)
        # the released cells are the exercise's own files
        assert _cell(release, "model").source.startswith(f"%%writefile {Path(chapter.file).name}\n")
        for line in chapter.exercise_path(committed()).read_text().splitlines():
            if "raise NotImplementedError" in line or "# TODO" in line:
                assert line in text, (chapter.id, line)
        # no test cell leans on a name a student's cell could rebind
        for cell in release.cells:
            if cell.metadata.get("nbgrader", {}).get("grade") and "expect(" in cell.source:
                assert "grader.notebook.expect(" in cell.source and "\nexpect(" not in cell.source


def _grades(course: Path, chapter: str) -> dict[str, tuple[float, dict[str, float]]]:
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cnn-dojo") as gradebook:
        for student in STUDENTS[chapter]:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            scores[student] = (notebook.score, {grade.name: grade.score for grade in notebook.grades})
    return scores


def _model_points(course: Path, student: str) -> float:
    """What the grader itself gives the model file a student's notebook wrote, with the course's scoring."""
    file = course / "autograded" / student / "ch01_lenet" / "lenet.py"
    return grade("ch01_lenet", file, worksheet=False, scoring=load_scoring(course / "course.toml")).score


@pytest.mark.parametrize("chapter", list(STUDENTS))
def test_every_submission_gets_exactly_its_expected_score(course, chapter):
    scores = _grades(course.path, chapter)
    points = notebook_points(get_chapter(chapter))
    assert scores["alice"] == (sum(points.values()), {name: float(p) for name, p in points.items()})
    expected = {student: work.expected if work.expected is not None else 7 + _model_points(course.path, student)
                for student, work in STUDENTS[chapter].items()}
    assert {student: round(score, 2) for student, (score, _) in scores.items()} == pytest.approx(expected)


def test_one_mistake_costs_a_share_of_the_model_points(course):
    """One missing ReLU, or fc2 with 80 units instead of 84: between 6 and 9 of the 10 model points, as the
    grader's scoring rule gives them (the README's table), with the points in the cells' outputs."""
    scores = _grades(course.path, "ch01_lenet")
    for student in ("hana", "ivan"):
        model = sum(score for name, score in scores[student][1].items() if name.startswith("LeNet5"))
        assert 6 <= model <= 9, (student, scores[student])
        assert model == pytest.approx(_model_points(course.path, student))
        assert 0 < scores[student][1]["LeNet5_structure"] < 4 and 0 < scores[student][1]["LeNet5_function"] < 3
    assert scores["hana"][1]["LeNet5_params"] == 2  # a ReLU has no parameters
    assert 0 < scores["ivan"][1]["LeNet5_params"] < 2
    # the function check measured the missing ReLU instead of skipping it
    function = _outputs(course.path, "hana", "LeNet5_function")
    assert "3 of 5 weight layers compute the reference's values" in function and "not checked" not in function


def test_a_single_defect_costs_exactly_its_check(course):
    lenet = _grades(course.path, "ch01_lenet")["carol"][1]
    assert [name for name, score in lenet.items() if score < get_chapter("ch01").max_points(name.replace("_", ".", 1))] \
        == ["LeNet5_num_classes"]  # a hidden test
    formulas = _grades(course.path, "ch00_formulas")["carol"][1]
    assert [name for name, score in formulas.items() if score == 0] == ["formulas_conv_output_size"]


def test_gaming_the_grading_gains_nothing(course):
    """Rebinding expect and monkeypatching the grader in the kernel, a grader.py beside the notebook, printed
    success lines and an IPython hook that swallows errors: the grading never runs in the student's kernel."""
    scores = _grades(course.path, "ch01_lenet")
    for student in ("mallory", "mike"):
        model = {name: score for name, score in scores[student][1].items() if name.startswith("LeNet5")}
        assert set(model.values()) == {0.0}, (student, model)
        assert "not started yet" in _outputs(course.path, student, "LeNet5_structure")
    assert scores["mallory"][0] == 7  # the worksheet, solved for real


def _outputs(course: Path, student: str, cell_id: str, chapter: str = "ch01_lenet") -> str:
    cell = _cell(_notebook(course, "autograded", chapter, student), cell_id)
    return "\n".join(f"{out.get('ename', '')}: {out.get('evalue', '')} {out.get('text', '')}" for out in cell.outputs)


def test_an_endless_loop_costs_the_graders_limit_and_no_cell_runs_in_a_kernel(course):
    assert course.erin_seconds < GRADER_TIMEOUT + 40, course.erin_seconds  # nbgrader's own start included
    record = (course.path / "autograded" / "erin" / "ch01_lenet" / SIDECAR).read_text()
    assert f"did not finish within {GRADER_TIMEOUT} s" in _outputs(course.path, "erin", "LeNet5_structure")
    assert _cell(_notebook(course.path, "autograded", "ch01_lenet", "erin"), "try").outputs == []  # skipped
    assert '"seconds"' in record


def test_a_file_that_exits_gets_a_verdict(course):
    assert "exit code 0" in _outputs(course.path, "frank", "LeNet5_structure")


def test_deleted_and_changed_test_cells_are_named_restored_and_flagged(course):
    scores = _grades(course.path, "ch01_lenet")
    assert scores["judy"][1]["LeNet5_structure"] == 4  # put back and graded
    assert "LeNet5.structure" in _outputs(course.path, "judy", "LeNet5_structure")
    assert "was missing from the handed-in notebook" in _outputs(course.path, "judy", "LeNet5_structure")
    assert "had been changed" in _outputs(course.path, "judy", "LeNet5_params")
    assert "had been changed" in _outputs(course.path, "judy", "LeNet5_function")
    feedback = _text(course.path / "feedback" / "judy" / "ch01_lenet" / "ch01_lenet.html")
    assert "the autograder put it back and ran its check" in feedback and "the autograder ran the original check" in feedback
    for name in ("LeNet5_structure was deleted", "LeNet5_params was changed", "LeNet5_function was changed"):
        assert f"judy/ch01_lenet/ch01_lenet: test cell {name}" in course.log, name


def test_untouched_hidden_tests_raise_no_checksum_warning(course):
    """nbgrader warns about a changed checksum for every hidden test cell whose release differs from its source:
    here they are the same, so the only such warnings are the ones about judy's changed cells."""
    warnings = [line for line in course.log.splitlines() if "checksum" in line.lower()]
    assert len(warnings) == 2 and all("LeNet5_params" in line or "LeNet5_function" in line for line in warnings), warnings


def test_feedback_shows_the_graders_hint_and_no_reference_code(course):
    # what the grader says about carol's file is what her feedback says
    carol = course.path / "autograded" / "carol" / "ch01_lenet" / "lenet.py"
    check = grade("ch01_lenet", carol, worksheet=False).check("LeNet5.num_classes")
    feedback = _text(course.path / "feedback" / "carol" / "ch01_lenet" / "ch01_lenet.html")
    assert check.message in feedback
    assert check.hints[1] in feedback  # level 2, the why: "The last layer's size is hard-coded: ..."
    formulas = _text(course.path / "feedback" / "carol" / "ch00_formulas" / "ch00_formulas.html")
    assert "formulas.conv_output_size: conv_output_size(" in formulas
    # an untouched release's feedback: the hints of "not started", and not one line of the reference
    untouched = _text(course.path / "feedback" / "bob" / "ch01_lenet" / "ch01_lenet.html")
    assert "not started yet" in untouched
    secret = _solution_lines(_notebook(course.path, "source", "ch01_lenet"))
    assert not {line.strip() for line in untouched.split("\n")} & secret
    # no feedback refers to a check that is not there
    for student in STUDENTS["ch01_lenet"]:
        text = _text(course.path / "feedback" / student / "ch01_lenet" / "ch01_lenet.html")
        assert "once the structure matches" not in text and "not checked" not in text, student


def test_export_lists_every_score_and_flags_changed_test_cells(course):
    with (course.path / "grades.csv").open() as file:
        rows = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(file)}
    for chapter, students in STUDENTS.items():
        scores = _grades(course.path, chapter)
        for student in students:
            row = rows[(chapter, student)]
            assert float(row["score"]) == pytest.approx(scores[student][0])
            assert row["test_cells"] == (TAMPERED.get(student, "") if chapter == "ch01_lenet" else "")
