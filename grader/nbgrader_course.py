"""``python -m grader nbgrader COURSE_DIR``: an nbgrader course for instructors, one assignment per chapter.

Every notebook is generated from what the rest of cnn-dojo reads, so nothing can drift:

    notes        the chapter's README.md (the section in the course language)
    worksheet    exercises/<chapter>/worksheet.py, with the answers of solutions/<chapter>/worksheet.py
    model        the exercise stub, with the whole reference module in a solution region after it
    tests        one nbgrader test cell per grader check (grader.chapters, grader.worksheets), with the
                 course's points (course.toml); a visible one calls grader.notebook.expect for the
                 student's own feedback, a hidden one is a comment. At autograde no cell runs in a kernel:
                 grader.nbgrader_execute grades the notebook's files in a sealed Python and writes each
                 test cell's result (grade id -> check) as its output

A solution region sits at module level after the stub and redefines its classes, so the source notebook
is the reference and the released one (``ClearSolutions.code_stub`` is empty) is the stub itself: every
TODO still raises NotImplementedError and the grader says "not started".
"""

from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from grader.chapters import CHAPTERS, FORMULA_FUNCTIONS, ROOT, Chapter, get_chapter
from grader.isolate import DEFAULT_MEMORY_MB
from grader.notes import split_answers
from grader.scoring import CONFIG_NAME, DEFAULT, Scoring, load_scoring
from grader.scoring import config_text as scoring_text
from grader.text import normalize_lang, t
from grader.worksheets import WORKSHEETS

__all__ = ["build_course", "chapter_notebook", "config_text", "notebook_points", "grade_ids",
           "CELL_TIMEOUT", "GRADER_TIMEOUT", "RANDOM_CASES"]

RANDOM_CASES = 50  # chapter 0: random cases per formula in the hidden tests (the visible ones are the fixed cases)
CELL_TIMEOUT = 120  # seconds per cell when nbgrader executes a notebook; above GRADER_TIMEOUT plus a grading
GRADER_TIMEOUT = 20  # seconds the learner's code may run in the grader's child, per grading
MARKER = "Written by `python -m grader nbgrader`"
_CHECKOUT = Path(__file__).resolve().parent.parent  # the cnn-dojo the kernels import the grader from
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# The README's last section is about the files and pytest; the notebook says its own.
_FILE_WORKFLOW = {"en": "### What you will do", "zh-TW": "### 你要做的事"}
_SECTION = {"en": "## English", "zh-TW": "## 繁體中文"}


_SOURCE_RUN = re.compile(r"Run: pytest \S+\s+or\s+python -m grader check \S+ --hints \d")
_SOURCE_CHECK = re.compile(r"Check: python -m grader check \S+\s+or\s+pytest \S+")


def _for_notebook(source: str) -> str:
    """A stub's or worksheet's own instructions name pytest and the CLI; in a notebook, the test cells."""
    source = _SOURCE_RUN.sub("Check: run the test cells below.", source)
    return _SOURCE_CHECK.sub("Check: run the test cells below.", source)


def _solution_module(chapter: Chapter, root: Path) -> str:
    """The reference module as the solution region holds it: without its docstring, and without the
    imports the stub above it already has."""
    source = chapter.solution_path(root).read_text()
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        source = "\n".join(source.splitlines()[first.end_lineno:])
    stub = set(chapter.exercise_path(root).read_text().splitlines())
    lines = [line for line in source.splitlines() if not (line.startswith(("import ", "from ")) and line in stub)]
    return "\n".join(lines).strip("\n") + "\n"


def _solution_answers(chapter: Chapter, root: Path) -> str:
    """The solution worksheet's assignment of every blank, in the worksheet's order."""
    source = chapter.worksheet_path(root, solution=True).read_text()
    lines = source.splitlines()
    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = "\n".join(lines[node.lineno - 1:node.end_lineno])
    blanks = WORKSHEETS.get(chapter.id, ())
    missing = [blank.name for blank in blanks if blank.name not in found]
    if missing:
        raise ValueError(f"{chapter.worksheet_path(root, solution=True)}: no answer for {', '.join(missing)}")
    return "\n".join(found[blank.name] for blank in blanks) + "\n"


def _solution_cell(file_name: str, stub: str, solution: str) -> str:
    return (f"%%writefile {file_name}\n{_for_notebook(stub).rstrip()}\n\n"
            f"### BEGIN SOLUTION\n{solution.rstrip()}\n### END SOLUTION\n")


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: int | None = None) -> dict[str, object]:
    meta: dict[str, object] = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                               "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(source: str, cell_id: str, **nbgrader: object) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source.rstrip("\n"), id=cell_id)
    if nbgrader:
        cell.metadata.update(_meta(cell_id, **nbgrader))  # type: ignore[arg-type]
    return cell


def _markdown(source: str, cell_id: str) -> NotebookNode:
    return nbformat.v4.new_markdown_cell(source.strip("\n"), id=cell_id)


def _cell_id(text: str) -> str:
    """nbformat cell ids and nbgrader grade ids: letters, digits, - and _ only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")


def _notes(chapter: Chapter, lang: str, root: Path) -> list[NotebookNode]:
    """The README's section in ``lang``, one markdown cell per ``###`` section, headings one level up; without
    the answers block (grader.notes)."""
    readme = (root / "exercises" / chapter.id / "README.md").read_text()
    lines = readme.splitlines()
    start = lines.index(_SECTION[lang]) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    notes, _ = split_answers(lines[start:end])  # a graded notebook holds no answer, not even collapsed
    sections: list[list[str]] = []
    for line in notes:
        if line.startswith("### "):
            sections.append([])
        if sections:
            sections[-1].append(line[1:] if line.startswith("###") else line)
    keep = ["\n".join(section) for section in sections if section[0] != _FILE_WORKFLOW[lang][1:]]
    title = t("course.title", lang, number=chapter.number, title=chapter.title[lang])
    cells = [_markdown(f"# {title}", "title")]
    cells += [_markdown(text, f"notes-{n}") for n, text in enumerate(keep, start=1)]
    return cells


def _call(chapter: Chapter, check_id: str, lang: str) -> str:
    """A visible test cell: the check, through the grader's module (never a name the kernel could rebind
    between cells). It gives the student feedback; the autograder does not run it (grader.nbgrader_execute)."""
    extra = f", lang={lang!r}" if lang != "en" else ""
    return f"import grader.notebook\ngrader.notebook.expect({chapter.id!r}, {check_id!r}{extra})".replace("'", '"')


def _try_source(chapter: Chapter, stub: str, file_name: str, lang: str) -> str:
    lines = [t("course.try", lang), f"%run {file_name}"]
    if chapter.models:
        lines.append("import torch")
        lines.append("")
        for spec in chapter.models:
            build = spec.signature.split("#")[0].strip() or f"{spec.class_name}()"
            lines.append(f"model = {build}")
            lines.append(f"x = torch.randn(1, {', '.join(map(str, spec.input_shape))})")
            lines.append(f"print({spec.class_name!r}, tuple(x.shape), '->', tuple(model(x).shape), "
                         f"sum(p.numel() for p in model.parameters()), 'parameters')")
        return "\n".join(lines)
    # chapter 0: the examples of the stub's docstrings
    parser = doctest.DocTestParser()
    for node in ast.parse(stub).body:
        if isinstance(node, ast.FunctionDef):
            for example in parser.get_examples(ast.get_docstring(node) or ""):
                call = example.source.strip()
                lines.append(f"print({call.split('#')[0].strip()})  # {example.want.strip()}")
    return "\n".join(lines)


def grade_ids(chapter: Chapter) -> dict[str, str]:
    """The grade id of every test cell of the chapter's notebook, in order, and the grader check it stands for."""
    ids = [f"worksheet.{blank.name}" for blank in WORKSHEETS.get(chapter.id, ())] + chapter.check_ids()
    return {_cell_id(check_id): check_id for check_id in ids}


def notebook_points(chapter: Chapter, scoring: Scoring = DEFAULT) -> dict[str, float]:
    """The grade id and points of every test cell of the chapter's notebook, in order."""
    return {grade_id: scoring.max_points(chapter, check_id) for grade_id, check_id in grade_ids(chapter).items()}


def chapter_notebook(chapter: Chapter, lang: str = "en", root: Path | None = None,
                     scoring: Scoring = DEFAULT) -> NotebookNode:
    """The source notebook of one chapter: notes, worksheet, model (with solutions), tests."""
    root = root or ROOT
    lang = normalize_lang(lang)
    points = notebook_points(chapter, scoring)
    file_name = Path(chapter.file).name
    stub = chapter.exercise_path(root).read_text()
    cells = _notes(chapter, lang, root)
    kind = "models" if chapter.models else "formulas"
    names = ", ".join(f"`{spec.class_name}`" for spec in chapter.models)
    cells.append(_markdown(t("course.howto", lang, what=t(f"course.what.{kind}", lang), file=file_name,
                              todo=t(f"course.todo.{kind}", lang, names=names)), "howto"))
    cells.append(_code(f"{t('course.setup', lang)}\nimport grader.notebook", "setup", locked=True))

    # the worksheet: the exercise's file, then the solution's answers, which override its Nones
    cells.append(_markdown(t("course.worksheet", lang), "worksheet-intro"))
    cells.append(_code(_solution_cell("worksheet.py", chapter.worksheet_path(root).read_text(),
                                      _solution_answers(chapter, root)), "worksheet", solution=True))
    for blank in WORKSHEETS.get(chapter.id, ()):
        grade_id = _cell_id(f"worksheet.{blank.name}")
        cells.append(_code(_call(chapter, f"worksheet.{blank.name}", lang), grade_id, grade=True, locked=True,
                           points=points[grade_id]))

    # the model: the exercise stub, then the reference module, which redefines its classes
    if chapter.models:
        signatures = ", ".join(f"`{spec.signature.split('#')[0].strip()}`" for spec in chapter.models)
    else:
        signatures = ", ".join(f"`{name}`" for name in FORMULA_FUNCTIONS)
    cells.append(_markdown(t("course.model", lang, what=t(f"course.what.{kind}", lang), signatures=signatures), "model-intro"))
    cells.append(_code(_solution_cell(file_name, stub, _solution_module(chapter, root)),
                       "model", solution=True))
    cells.append(_code(_try_source(chapter, stub, file_name, lang), "try"))
    cells.append(_markdown(t("course.tests", lang), "tests-intro"))
    for check_id in chapter.check_ids():
        # chapter 0: the student runs the fixed cases; the autograder adds random ones (one cell per function).
        # A hidden check's cell is the same comment in the source and in the release: nbgrader's checksums agree
        # (no warning for an untouched cell) and the autograder knows the check from the cell's grade id.
        if chapter.is_hidden(check_id):
            source = t("course.hidden_check", lang)
        elif not chapter.models:
            source = "\n".join([t("course.random_cases", lang, cases=RANDOM_CASES), _call(chapter, check_id, lang)])
        else:
            source = _call(chapter, check_id, lang)
        grade_id = _cell_id(check_id)
        cells.append(_code(source, grade_id, grade=True, locked=True, points=points[grade_id]))

    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata.update({"kernelspec": dict(KERNELSPEC),
                              "language_info": {"name": "python", "file_extension": ".py"},
                              "cnn_dojo": {"chapter": chapter.id, "lang": lang, "points": sum(points.values())}})
    nbformat.validate(notebook)
    return notebook


def config_text(course_id: str, chapters: list[Chapter], root: Path, *, cell_timeout: int = CELL_TIMEOUT,
                grader_timeout: float = GRADER_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB, lang: str = "en") -> str:
    """nbgrader_config.py: the course id, the assignments, the limits, and what the autograder's kernels need."""
    assignments = "\n".join(f"    {chapter.id!r},  # {chapter.title['en']}" for chapter in chapters)
    scoring_file, random_cases = CONFIG_NAME, RANDOM_CASES
    return f'''"""nbgrader configuration of the {course_id} course. {MARKER}.

Running that command again rewrites this file and source/ from the chapters of cnn-dojo; it never
touches {CONFIG_NAME} (the points and the partial-credit rule: edit that one), release/, submitted/,
autograded/, feedback/ or gradebook.db.
"""

import os
import sys

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = {course_id!r}

# One assignment per chapter, in course order, each with one notebook: source/<id>/<id>.ipynb.
# `nbgrader generate_assignment <id>` (or "*" for all) adds them to gradebook.db.
ASSIGNMENTS = [
{assignments}
]

# Limits. At autograde no cell runs in a kernel: the grader grades the files the notebook's %%writefile
# cells hold in a fresh isolated Python, and the student's code in it runs in the grader's child process,
# stopped after GRADER_TIMEOUT seconds per stage (building, then each model's run). CELL_TIMEOUT is for
# the kernels that do run notebooks (`nbgrader validate`, your own Jupyter).
CELL_TIMEOUT = {cell_timeout}  # seconds per notebook cell, when a kernel runs a notebook
GRADER_TIMEOUT = {grader_timeout:g}  # seconds the learner's code may run in the grader's child, per stage
GRADER_MEMORY_MB = {memory_mb}  # megabytes it may allocate

c.ExecutePreprocessor.timeout = CELL_TIMEOUT
c.ExecutePreprocessor.interrupt_on_timeout = True
c.ExecutePreprocessor.shutdown_kernel = "immediate"

# Sanitizing: the test cells a submission deleted or changed are named in the log and in the export,
# then nbgrader puts their originals back (CheckTestCells must come before OverwriteCells, which restores).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "grader.nbgrader_execute.CheckTestCells",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.OverwriteCells.add_missing_cells = True

# Autograding: the grader in place of nbgrader's Execute. It writes the files the %%writefile cells hold,
# grades them once in `python -I` (the grader by its absolute path, a clean environment, an empty working
# folder: nothing the student defined in a kernel or wrote beside the notebook reaches it) and writes each
# test cell's result as the cell's output, with partial credit as the cell's value.
c.Autograde.autograde_preprocessors = [
    "grader.nbgrader_execute.GradeOutsideKernel",  # in place of nbgrader.preprocessors.Execute
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.GradeOutsideKernel.course_config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "{scoring_file}")
c.GradeOutsideKernel.lang = {lang!r}
c.GradeOutsideKernel.grader_timeout = GRADER_TIMEOUT
c.GradeOutsideKernel.memory_mb = GRADER_MEMORY_MB
c.GradeOutsideKernel.random_cases = {random_cases}  # chapter 0: random cases per formula, on top of the fixed ones
c.GradeOutsideKernel.seed = 0  # chapter 0: the random cases' seed, the same for every student

# `nbgrader export` writes grades.csv with a column naming the test cells a submission deleted or changed.
c.ExportApp.plugin_class = "grader.nbgrader_execute.ExportWithTestCells"

# Each solution region follows the exercise's own stub and redefines it, so the released cell is the stub.
c.ClearSolutions.code_stub = {{"python": ""}}

# nbgrader runs the grader in the Python running nbgrader (it must have torch: run nbgrader from
# cnn-dojo's environment). Kernels (`nbgrader validate`, your Jupyter) import it from this checkout.
CNN_DOJO = {str(_CHECKOUT)!r}
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (CNN_DOJO, os.environ.get("PYTHONPATH")) if p)
os.environ["CNN_DOJO_TIMEOUT"] = str(GRADER_TIMEOUT)
os.environ["CNN_DOJO_MEMORY_MB"] = str(GRADER_MEMORY_MB)

# nbgrader runs `alembic` (its database migrations) by name: find it beside the Python running nbgrader,
# also when that is `.venv/bin/python -m nbgrader` without an activated environment.
os.environ["PATH"] = os.pathsep.join(p for p in (os.path.dirname(sys.executable), os.environ.get("PATH")) if p)
'''


def _ours(path: Path) -> bool:
    """Whether an existing file was written by this command (so writing it again loses nothing)."""
    if path.suffix == ".ipynb":
        return "cnn_dojo" in nbformat.read(path, as_version=4).metadata
    return MARKER in path.read_text(errors="replace")


def build_course(course_dir: str | Path, *, lang: str = "en", course_id: str = "cnn-dojo",
                 chapters: list[str] | None = None, cell_timeout: int = CELL_TIMEOUT,
                 grader_timeout: float = GRADER_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                 root: Path | None = None, force: bool = False) -> list[Path]:
    """Write nbgrader_config.py, course.toml (once: then it is the instructor's) and
    source/<chapter>/<chapter>.ipynb into ``course_dir``, the notebooks' points from course.toml; return them.

    Files this command wrote before are rewritten (course.toml never); any other file in the way is left
    alone with a FileExistsError, unless ``force``."""
    root = (root or ROOT).resolve()
    lang = normalize_lang(lang)
    course = Path(course_dir)
    wanted = {get_chapter(name).id for name in chapters} if chapters else None
    selected = [chapter for chapter in CHAPTERS if wanted is None or chapter.id in wanted]
    if cell_timeout <= grader_timeout:
        raise ValueError(f"the cell timeout ({cell_timeout} s) must exceed the grader's ({grader_timeout:g} s)")
    scoring_file = course / CONFIG_NAME
    scoring = load_scoring(scoring_file)  # the instructor's points, when the course has them already
    files: dict[Path, str] = {course / "nbgrader_config.py": config_text(
        course_id, selected, root, cell_timeout=cell_timeout, grader_timeout=grader_timeout, memory_mb=memory_mb,
        lang=lang)}
    if not scoring_file.exists():
        files[scoring_file] = scoring_text(MARKER)
    for chapter in selected:
        notebook = chapter_notebook(chapter, lang, root, scoring)
        files[course / "source" / chapter.id / f"{chapter.id}.ipynb"] = nbformat.writes(notebook)
    foreign = [path for path in files if path.exists() and not _ours(path)]
    if foreign and not force:
        raise FileExistsError(f"{', '.join(map(str, foreign))}: not written by `python -m grader nbgrader`; "
                              "move it away, or overwrite it with --force (force=True)")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return list(files)
