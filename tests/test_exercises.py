"""The exercises and the solutions: every stub fails ("not started"), every solution passes, the trees
mirror each other, and the solution worksheets agree with the answers derived from the reference."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.chapters import CHAPTERS, ROOT
from grader.worksheets import WORKSHEETS, render_worksheet
from tests.conftest import committed

pytestmark = pytest.mark.slow

# the released stubs (git HEAD), never a learner's work in progress in this checkout
EXERCISES, SOLUTIONS = committed() / "exercises", ROOT / "solutions"


def _py_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.glob("ch*/*.py")}


def test_solutions_mirror_exercises_path_for_path():
    assert _py_files(EXERCISES) == _py_files(SOLUTIONS)
    for chapter in CHAPTERS:
        assert chapter.exercise_path().is_file() and chapter.solution_path().is_file(), chapter.id
        assert chapter.worksheet_path().is_file() and chapter.worksheet_path(solution=True).is_file(), chapter.id


def test_chapter_test_files_are_the_same_in_both_trees():
    for relative in _py_files(EXERCISES):
        if Path(relative).name.startswith("test_"):
            assert (EXERCISES / relative).read_text() == (SOLUTIONS / relative).read_text(), relative


@pytest.mark.parametrize("chapter", [c.id for c in CHAPTERS])
def test_worksheets_are_written_from_the_chapters_declaration(chapter):
    """Both worksheet files are grader.worksheets' declaration rendered: questions, blanks, and answers
    derived from the reference. After changing a blank: .venv/bin/python -c "from grader.worksheets import
    write_worksheets; write_worksheets()"."""
    assert (EXERCISES / chapter / "worksheet.py").read_text() == render_worksheet(chapter)
    assert (SOLUTIONS / chapter / "worksheet.py").read_text() == render_worksheet(chapter, solved=True)
    assert len(WORKSHEETS[chapter]) >= 5


def _run_pytest(folder: Path, report: Path) -> dict[str, tuple[str, str]]:
    """Run the chapters' own test files as a learner would; outcome and message per test."""
    subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         "--rootdir", str(folder)],
        capture_output=True, text=True, timeout=900, cwd=folder,
    )
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{Path(case.get('classname', '').replace('.', '/')).name}::{case.get('name')}"
        outcome, text = "passed", ""
        for tag in ("failure", "error", "skipped"):
            element = case.find(tag)
            if element is not None:
                outcome, text = tag, (element.get("message") or "") + (element.text or "")
        results[name] = (outcome, text)
    return results


@pytest.fixture(scope="module")
def stub_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stubs") / "exercises"
    shutil.copytree(EXERCISES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return _run_pytest(folder, folder.parent / "report.xml")


@pytest.fixture(scope="module")
def solved_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solved") / "exercises"
    shutil.copytree(EXERCISES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for relative in _py_files(SOLUTIONS):  # copy each solution over the exercise
        shutil.copy(SOLUTIONS / relative, folder / relative)
    return _run_pytest(folder, folder.parent / "report.xml")


def test_every_stub_fails_as_not_started(stub_results):
    assert len(stub_results) >= 60
    for name, (outcome, text) in stub_results.items():
        if "test_bonus" in name:
            assert outcome == "skipped", name
            continue
        assert outcome == "failure", name
        assert "not started yet" in text or "still blank" in text or "Same cause as" in text, (name, text)
        assert "Traceback" not in text and "grader/" not in text, (name, text)  # no noise from our internals


def test_every_solution_passes(solved_results):
    assert len(solved_results) >= 60
    failed = {name: text for name, (outcome, text) in solved_results.items() if outcome != "passed"}
    assert not failed


def test_every_chapter_has_notes_in_both_languages():
    for chapter in CHAPTERS:
        readme = EXERCISES / chapter.id / "README.md"
        if not readme.is_file():
            pytest.fail(f"{readme} is missing")
        text = readme.read_text()
        assert "## English" in text and "## 繁體中文" in text, chapter.id
        assert "$$" in text, chapter.id  # formulas for st.latex
