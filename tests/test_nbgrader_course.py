"""The nbgrader course generator and the notebooks' helper, without running nbgrader itself (that is
tests/test_nbgrader.py): every chapter's notebook, its release as nbgrader's own preprocessors make it,
its points, the source notebook's solution graded by the grader, and ``grader.notebook.expect``."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
from traitlets.config import Config

from grader.chapters import CHAPTERS, Chapter
from grader.nbgrader_course import build_course, chapter_notebook, grade_ids, notebook_points
from grader.nbgrader_execute import notebook_files
from grader.notebook import CheckFailed, expect, report
from grader.pipeline import grade, grade_worksheet
from grader.scoring import Scoring, load_scoring
from grader.sealed import SealedRequest, run_sealed
from grader.worksheets import WORKSHEETS
from tests.conftest import committed

IDS = [chapter.id for chapter in CHAPTERS]


def _cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {cell.id: cell for cell in notebook.cells}


def _released(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What `nbgrader generate_assignment` makes of the solution and hidden-test regions, with the course's
    code stub (nbgrader_config.py: ClearSolutions.code_stub = {"python": ""})."""
    config = Config()
    config.ClearSolutions.code_stub = {"python": ""}
    notebook = nbformat.from_dict(notebook)
    notebook, resources = ClearSolutions(config=config).preprocess(notebook, {})
    notebook, _ = ClearHiddenTests().preprocess(notebook, resources)
    return notebook


def _file(cell: nbformat.NotebookNode) -> tuple[str, str]:
    """A ``%%writefile`` cell's file name and the text it writes."""
    magic, _, text = cell.source.partition("\n")
    assert magic.startswith("%%writefile "), magic
    return magic.split()[1], text + "\n"


def _instructions(text: str) -> list[str]:
    """Lines of a file, without the ones that tell how to run the checks (the notebook says its own)."""
    return [line.rstrip() for line in text.rstrip().splitlines() if not re.search(r"\bpytest\b|grader check|test cells", line)]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_the_released_cells_are_the_exercise_files(chapter: Chapter):
    cells = _cells(_released(chapter_notebook(chapter, root=committed())))
    name, text = _file(cells["model"])
    assert name == Path(chapter.file).name
    assert _instructions(text) == _instructions(chapter.exercise_path(committed()).read_text())
    name, text = _file(cells["worksheet"])
    assert name == "worksheet.py"
    assert _instructions(text) == _instructions(chapter.worksheet_path(committed()).read_text())
    for cell_id, cell in cells.items():
        if cell.metadata.get("nbgrader", {}).get("grade"):
            hidden = any(cell_id.endswith(check) for check in chapter.hidden)
            assert ("expect(" not in cell.source) == hidden, cell_id  # hidden cells keep only their comment


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_the_source_notebook_scores_full_marks_with_the_graders_own_points(chapter: Chapter, tmp_path: Path):
    cells = _cells(chapter_notebook(chapter, root=committed()))
    for cell_id in ("model", "worksheet"):
        name, text = _file(cells[cell_id])
        (tmp_path / name).write_text(text)
    model = grade(chapter.id, tmp_path / Path(chapter.file).name, worksheet=False)
    sheet = grade_worksheet(chapter.id, tmp_path / "worksheet.py")
    assert model.passed and sheet.passed, (model.render_text(), sheet.render_text())
    points = notebook_points(chapter)
    assert sum(points.values()) == model.max_score + sheet.max_score
    graded = {cell_id: cell.metadata["nbgrader"]["points"] for cell_id, cell in cells.items()
              if cell.metadata.get("nbgrader", {}).get("grade")}
    assert graded == points
    assert len(points) == len(WORKSHEETS[chapter.id]) + len(model.checks)  # one test cell per check


def test_build_writes_the_same_course_twice_and_leaves_foreign_files_alone(tmp_path: Path):
    course = tmp_path / "course"
    written = build_course(course, chapters=["ch01", "ch00"], root=committed())
    assert [path.relative_to(course).as_posix() for path in written] == [
        "nbgrader_config.py", "course.toml", "source/ch00_formulas/ch00_formulas.ipynb", "source/ch01_lenet/ch01_lenet.ipynb"]
    first = {path: path.read_bytes() for path in written}
    again = build_course(course, chapters=["ch01", "ch00"], root=committed())
    assert course / "course.toml" not in again  # written once, then it is the instructor's
    assert {path: path.read_bytes() for path in written} == first  # deterministic, cell ids included
    (course / "nbgrader_config.py").write_text("c = get_config()  # the instructor's own\n")
    with pytest.raises(FileExistsError):
        build_course(course, chapters=["ch01"], root=committed())
    assert (course / "nbgrader_config.py").read_text().endswith("the instructor's own\n")
    build_course(course, chapters=["ch01"], force=True, root=committed())
    with pytest.raises(ValueError):
        build_course(course, cell_timeout=10, grader_timeout=20, root=committed())


def test_the_config_sets_the_course_the_limits_and_this_checkout(tmp_path: Path, monkeypatch):
    """The config as nbgrader runs it (a traitlets Config from get_config()), not its text."""
    from traitlets.config import Config

    build_course(tmp_path, course_id="cnn-dojo-2026", cell_timeout=90, grader_timeout=15)
    config, env = Config(), {}
    monkeypatch.setattr("os.environ", env)
    path = tmp_path / "nbgrader_config.py"  # the namespace traitlets' PyFileConfigLoader gives a config file
    namespace = {"c": config, "get_config": lambda: config, "__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    assert config.CourseDirectory.course_id == "cnn-dojo-2026"
    assert config.ExecutePreprocessor.timeout == 90 and config.ClearSolutions.code_stub == {"python": ""}
    assert "grader.nbgrader_execute.GradeOutsideKernel" in config.Autograde.autograde_preprocessors
    assert "nbgrader.preprocessors.Execute" not in config.Autograde.autograde_preprocessors  # no cell runs in a kernel
    sanitize = config.Autograde.sanitize_preprocessors
    assert sanitize.index("grader.nbgrader_execute.CheckTestCells") < sanitize.index("nbgrader.preprocessors.OverwriteCells")
    assert config.OverwriteCells.add_missing_cells is True
    assert config.ExportApp.plugin_class == "grader.nbgrader_execute.ExportWithTestCells"
    assert namespace["GRADER_TIMEOUT"] == 15 and namespace["CNN_DOJO"] == str(Path(__file__).resolve().parent.parent)
    assert namespace["ASSIGNMENTS"] == [chapter.id for chapter in CHAPTERS]


def test_notes_come_from_the_readme_in_the_notebooks_language():
    english = "\n".join(cell.source for cell in chapter_notebook(CHAPTERS[1], root=committed()).cells if cell.cell_type == "markdown")
    chinese = "\n".join(cell.source for cell in chapter_notebook(CHAPTERS[1], "zh-TW", root=committed()).cells
                        if cell.cell_type == "markdown")
    assert "## Why fc1 has 16*5*5 inputs" in english and "繁體中文" not in english
    assert "## 為什麼 fc1 的輸入是 16*5*5" in chinese and "Why fc1" not in chinese
    assert "What you will do" not in english and "你要做的事" not in chinese  # the file workflow; the notebook has its own


def test_expect_passes_quietly_and_fails_with_the_graders_hints(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _, text = _file(_cells(chapter_notebook(CHAPTERS[1], root=committed()))["model"])
    Path("lenet.py").write_text(text)
    expect("ch01_lenet", "LeNet5.structure")
    assert "LeNet5.structure: 4/4" in capsys.readouterr().out
    Path("lenet.py").write_text(text.replace("nn.Linear(84, num_classes)", "nn.Linear(84, 10)"))
    with pytest.raises(CheckFailed) as failure:
        expect("ch01_lenet", "LeNet5.num_classes")
    assert "LeNet5.num_classes: LeNet5(num_classes=7) gives 10 outputs, not 7." in str(failure.value)
    assert "hint 2: The last layer's size is hard-coded" in str(failure.value)
    assert isinstance(failure.value, AssertionError)  # nbgrader and pytest count it as a failed test
    assert report("ch01_lenet") is report("ch01_lenet")  # one grading per version of the file
    with pytest.raises(CheckFailed, match="worksheet.CONV1_OUTPUT: .*missing|no such file"):
        expect("ch01_lenet", "worksheet.CONV1_OUTPUT")


def test_the_course_config_sets_the_notebooks_points_and_the_rule(tmp_path: Path):
    """course.toml is the one place: the instructor's points reach the notebooks, and the grader's scoring."""
    build_course(tmp_path, chapters=["ch01"], root=committed())
    config = tmp_path / "course.toml"
    scoring = load_scoring(config)
    default = Scoring()  # as written: the chapters' declared points and the default rule
    assert all(scoring.max_points(chapter, check_id) == default.max_points(chapter, check_id)
               for chapter in CHAPTERS for check_id in grade_ids(chapter).values())
    assert (scoring.partial, scoring.min_penalty) == (default.partial, default.min_penalty)
    text = config.read_text().replace("function = 3", "function = 5").replace("min_penalty = 0.25", "min_penalty = 0.5")
    config.write_text(text + "\n[chapters.ch01_lenet]\nworksheet = 2\n")
    build_course(tmp_path, chapters=["ch01"], root=committed())
    notebook = nbformat.read(tmp_path / "source" / "ch01_lenet" / "ch01_lenet.ipynb", as_version=4)
    points = {cell.id: cell.metadata["nbgrader"]["points"] for cell in notebook.cells
              if cell.metadata.get("nbgrader", {}).get("grade")}
    assert points["LeNet5_function"] == 5 and points["worksheet_CONV1_OUTPUT"] == 2 and points["LeNet5_structure"] == 4
    scoring = load_scoring(config)
    assert scoring.min_penalty == 0.5 and scoring.earned(4, False, 0.9) == 2 and scoring.earned(4, True, 0) == 4
    config.write_text("[points]\nstructure = -1\n")
    with pytest.raises(ValueError, match="structure"):
        load_scoring(config)


def test_the_autograder_reads_the_files_the_writefile_cells_hold():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%%writefile lenet.py\nA = 1"),
        nbformat.v4.new_code_cell("print('not a file')"),
        nbformat.v4.new_code_cell("\n%%writefile -a lenet.py\nB = 2"),
        nbformat.v4.new_code_cell("%%writefile grader.py\nfake = True"),
        nbformat.v4.new_code_cell("%%writefile ./worksheet.py\nX = 3"),
        nbformat.v4.new_code_cell("%%writefile worksheet.py\nX = 4"),
        nbformat.v4.new_markdown_cell("%%writefile lenet.py\nC = 3"),
    ])
    assert notebook_files(notebook, ["lenet.py", "worksheet.py"]) == {"lenet.py": "A = 1\nB = 2\n", "worksheet.py": "X = 4\n"}
    assert notebook_files(notebook, ["alexnet.py"]) == {}


def test_the_sealed_grader_ignores_the_environment_and_the_working_folder(tmp_path: Path, monkeypatch):
    """A fake grader package on PYTHONPATH and in the working folder, and CNN_DOJO_* overrides in the
    environment: the sealed grading (python -I, the grader by path, a clean environment) sees none of them."""
    fake = tmp_path / "fake"
    (fake / "grader").mkdir(parents=True)
    (fake / "grader" / "__init__.py").write_text("raise SystemExit('the fake grader was imported')\n")
    (fake / "sitecustomize.py").write_text("raise SystemExit('sitecustomize ran')\n")
    monkeypatch.setenv("PYTHONPATH", str(fake))
    monkeypatch.setenv("CNN_DOJO_ROOT", str(fake))
    monkeypatch.setenv("CNN_DOJO_TIMEOUT", "0.001")
    monkeypatch.chdir(fake)
    cells = _cells(chapter_notebook(CHAPTERS[1], root=committed()))
    _, model = _file(cells["model"])
    answer = run_sealed(SealedRequest("ch01_lenet", model.replace("nn.Linear(84, num_classes)", "nn.Linear(84, 10)"), None))
    checks = {check["id"]: check for check in answer["model"]["checks"]}
    assert answer["worksheet"] is None
    assert [check_id for check_id, check in checks.items() if not check["passed"]] == ["LeNet5.num_classes"]
    assert answer["model"]["score"] == 9
