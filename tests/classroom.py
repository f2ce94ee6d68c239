"""A synthetic class for the batch tests: about 30 students in the three layouts instructors have, each
with the score they must get, worked out by hand from the points (not asked of the grader), with partial
credit turned off (a failed check earns nothing).

ch01_lenet: 17 points = 7 worksheet blanks + structure 4, params 2, num_classes 1, function 3.
ch00_formulas: 16 points = 6 worksheet blanks + 2 per formula (5 formulas).
Graded with ``--chapter all``: every student is graded on both chapters (someone handed each in), and
a chapter a student handed nothing in for scores 0 with the reason.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT

LEARNERS = ROOT / "tests" / "learners"
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"

LENET, FORMULAS = "ch01_lenet", "ch00_formulas"
HALF_WORKSHEET = {"CONV1_OUTPUT = None": "CONV1_OUTPUT = (6, 28, 28)",  # right
                  "POOL1_OUTPUT = None": "POOL1_OUTPUT = (6, 28, 28)"}  # wrong; the other five stay None
HANGING_WORKSHEET = "while True:\n    pass\n"
# right for strides 1, 2 and 4 (every fixed case), wrong for stride 3: only the 50 random cases see it
FORMULA_BUG = ("return (size - kernel_size + 2 * padding) // stride + 1",
               "return ((size - kernel_size + 2 * padding) >> (stride // 2)) + 1")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _edited(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"the course changed: {old!r} is gone; update tests/classroom.py"
        text = text.replace(old, new, 1)  # the first place only
    return text


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _notebook(chapter: str, model_edit: Callable[[str], str] = lambda s: s, extra_cell: str | None = None) -> str:
    """The chapter's course notebook as a student who solved it hands it in (the source notebook: the
    stub, then the solution region that redefines it), with an edit of the model cell."""
    import nbformat

    from grader.chapters import get_chapter
    from grader.nbgrader_course import chapter_notebook

    notebook = chapter_notebook(get_chapter(chapter), "en")
    for cell in notebook.cells:
        if cell.get("id") == "model":
            cell.source = model_edit(cell.source)
    if extra_cell is not None:  # a cell that would kill the kernel if anything executed the notebook
        notebook.cells.insert(3, nbformat.v4.new_code_cell(extra_cell))
    return nbformat.writes(notebook)


def build_class(root: Path) -> dict[str, dict[str, int]]:
    """Write the class under ``root`` (one folder per student); return student -> chapter -> score."""
    lenet, sheet = _text(SOLUTIONS / LENET / "lenet.py"), _text(SOLUTIONS / LENET / "worksheet.py")
    formulas, formulas_sheet = _text(SOLUTIONS / FORMULAS / "formulas.py"), _text(SOLUTIONS / FORMULAS / "worksheet.py")
    expected: dict[str, dict[str, int]] = {}

    def flat(student: str, score: int, model: str | None, worksheet: str | None = sheet) -> None:
        folder = root / student
        folder.mkdir(parents=True)
        if model is not None:
            _write(folder / "lenet.py", model)
        if worksheet is not None:
            _write(folder / "worksheet.py", worksheet)
        expected[student] = {LENET: score, FORMULAS: 0}

    learner = lambda name: _text(LEARNERS / LENET / name)  # noqa: E731
    bad = lambda name: _text(LEARNERS / "bad" / name)  # noqa: E731
    # -- DIR/<student>/lenet.py, worksheet.py ------------------------------------------------------------
    flat("flat_correct", 17, lenet)
    flat("flat_hardcoded_classes", 16, learner("hardcoded_10.py"))  # num_classes (1) lost
    flat("flat_tanh", 10, learner("tanh.py"))  # structure 4 and function 3 lost
    flat("flat_bias_false", 12, learner("bias_false.py"))  # params 2 and function 3 lost
    flat("flat_extra_dropout", 13, learner("extra_dropout.py"))  # structure only: Dropout is off in eval
    flat("flat_fc1_in_features", 7, learner("fc1_in_features.py"))  # forward raises: the model scores 0
    flat("flat_hang", 7, bad("loop_import.py"))  # endless loop at import: the time limit
    flat("flat_hanging_worksheet", 10, lenet, HANGING_WORKSHEET)  # the worksheet hangs, the model is right
    flat("flat_crash", 7, bad("segfault.py"))  # SIGSEGV at import
    flat("flat_os_exit", 7, bad("os_exit.py"))  # os._exit(3) in forward
    flat("flat_memory_bomb", 7, bad("memory_bomb.py"))  # allocates without bound, 1 GB at a time
    flat("flat_syntax_error", 7, bad("syntax_error.txt"))
    flat("flat_half_worksheet", 11, lenet, _edited(_text(EXERCISES / LENET / "worksheet.py"), HALF_WORKSHEET))
    flat("flat_untouched", 0, _text(EXERCISES / LENET / "lenet.py"), _text(EXERCISES / LENET / "worksheet.py"))
    # a lone worksheet.py cannot say which chapter it belongs to when every chapter is graded
    flat("flat_lone_worksheet", 0, None)
    flat("flat_empty", 0, None, None)

    # -- DIR/<student>/exercises/<chapter>/... (a copy of the course, e.g. GitHub Classroom) -----------------
    def course(student: str, lenet_score: int, model: str | None, formulas_score: int = 0,
               formulas_model: str | None = None, worksheet: str | None = sheet) -> None:
        folder = root / student / "exercises"
        (root / student / "README.md").parent.mkdir(parents=True)
        (root / student / "README.md").write_text("# my copy of cnn-dojo\n")
        if model is not None:
            _write(folder / LENET / "lenet.py", model)
        if worksheet is not None:
            _write(folder / LENET / "worksheet.py", worksheet)
        if formulas_model is not None:
            _write(folder / FORMULAS / "formulas.py", formulas_model)
            _write(folder / FORMULAS / "worksheet.py", formulas_sheet)
        expected[student] = {LENET: lenet_score, FORMULAS: formulas_score}

    course("gh_correct", 17, lenet, 16, formulas)
    course("gh_formula_bug", 17, lenet, 14, _edited(formulas, dict([FORMULA_BUG])))  # hidden random cases catch it
    course("gh_extra_conv", 8, learner("extra_conv.py"), 6, _text(EXERCISES / FORMULAS / "formulas.py"))  # formulas stub
    course("gh_avgpool", 10, learner("avgpool.py"))
    course("gh_sys_exit", 7, bad("sys_exit.py"))
    course("gh_print_flood", 17, bad("print_flood.py"))  # prints without end, and is right
    course("gh_no_worksheet", 10, lenet, worksheet=None)
    course("gh_extra_softmax", 10, learner("extra_softmax.py"))

    # -- nbgrader: DIR/<student>/<chapter>/<chapter>.ipynb, read, never executed ---------------------------
    def notebook(student: str, scores: dict[str, int], notebooks: dict[str, str]) -> None:
        for chapter, text in notebooks.items():
            _write(root / student / chapter / f"{chapter}.ipynb", text)
        expected[student] = {LENET: 0, FORMULAS: 0, **scores}

    swap = lambda old, new: lambda source: _edited(source, {old: new})  # noqa: E731
    notebook("nb_correct", {LENET: 17}, {LENET: _notebook(LENET)})
    notebook("nb_hardcoded_classes", {LENET: 16},
             {LENET: _notebook(LENET, swap("nn.Linear(84, num_classes)", "nn.Linear(84, 10)"))})
    notebook("nb_flatten_bug", {LENET: 7},
             {LENET: _notebook(LENET, swap("x = torch.flatten(x, 1)", "x = x.view(x.size(0), 16 * 4 * 4)"))})
    notebook("nb_kills_its_kernel", {LENET: 17},  # would end any kernel that ran it: nothing runs it
             {LENET: _notebook(LENET, extra_cell="import os\n\nos._exit(0)")})
    notebook("nb_both_chapters", {LENET: 17, FORMULAS: 16}, {LENET: _notebook(LENET), FORMULAS: _notebook(FORMULAS)})
    notebook("nb_broken", {LENET: 0}, {LENET: '{"cells": [ this is not json'})
    return expected


def copy_class(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def scores(out: Path) -> dict[str, dict[str, float]]:
    """student -> chapter -> score, from OUT/scores.csv."""
    import csv

    found: dict[str, dict[str, float]] = {}
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            found.setdefault(row["student"], {})[row["chapter"]] = float(row["score"])
    return found


def results(out: Path) -> dict[tuple[str, str], dict]:
    return {(p.parent.name, p.stem): json.loads(p.read_text()) for p in out.glob("*/ch*.json")}
