"""A class's submissions: find each student's files for a chapter, in the layouts instructors have.

    DIR/<student>/lenet.py, worksheet.py                   the chapter's own file names (flat)
    DIR/<student>/exercises/<chapter>/lenet.py, ...        a copy of the course (GitHub Classroom)
    DIR/<student>/<chapter>/<chapter>.ipynb                nbgrader's submitted/ (DIR may be the course)
    DIR/<student>/<any>.ipynb                              a notebook of the course (its metadata names it)

A notebook is read, never executed: the cells that start with ``%%writefile lenet.py`` and
``%%writefile worksheet.py`` are what the notebook would write, and those are graded. A submission
carries the text of its files (not paths), so a grading worker needs no access to DIR: the same task
runs in a local worker process or on a Dask worker on another machine.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from grader.chapters import CHAPTERS, Chapter, get_chapter

__all__ = ["SubmittedFile", "Submission", "find_submissions", "find_in_folder", "student_folders",
           "notebook_files", "MODEL", "WORKSHEET"]

MODEL, WORKSHEET = "model", "worksheet"  # the roles of a chapter's two files
NOTEBOOK_LIMIT = 20 << 20  # bytes; a bigger "notebook" is not read
FILE_LIMIT = 2 << 20  # bytes of one submitted .py file


@dataclass(frozen=True)
class SubmittedFile:
    role: str  # MODEL or WORKSHEET
    name: str  # as the student knows it, relative to their folder: "lenet.py", "exercises/ch01_lenet/lenet.py"
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Submission:
    """One student's files for one chapter. ``problem``: why a part could not be read (a broken notebook)."""

    student: str
    chapter: str  # a chapter id
    files: tuple[SubmittedFile, ...] = ()
    looked_for: tuple[str, ...] = ()  # what was searched for, for the "nothing to grade" message
    problem: str | None = None
    source: str = ""  # "files" | "notebook:<name>" | ""

    def file(self, role: str) -> SubmittedFile | None:
        return next((f for f in self.files if f.role == role), None)

    @property
    def empty(self) -> bool:
        return not self.files

    def digest(self) -> str:
        """The files' content, hashed: the same files give the same digest, wherever they came from."""
        parts = [self.chapter, *(f"{f.role}:{f.name}:{f.digest}" for f in sorted(self.files, key=lambda f: f.role))]
        parts.append(f"problem:{self.problem or ''}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass
class _Found:
    files: dict[str, SubmittedFile] = field(default_factory=dict)
    problem: str | None = None
    source: str = ""


def student_folders(root: Path) -> list[Path]:
    """One folder per student: DIR's subfolders, or those of DIR/submitted in an nbgrader course."""
    root = Path(root)
    if (root / "submitted").is_dir() and (root / "nbgrader_config.py").is_file():
        root = root / "submitted"
    if not root.is_dir():
        raise NotADirectoryError(f"{root}: no such folder")
    return sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))), key=lambda p: p.name)


def _read_text(path: Path) -> str:
    if path.stat().st_size > FILE_LIMIT:
        raise ValueError(f"{path.name} is larger than {FILE_LIMIT >> 20} MB")
    return path.read_bytes().decode("utf-8", "replace")


def notebook_files(notebook: dict, chapter: Chapter) -> dict[str, str]:
    """What a notebook's ``%%writefile`` cells would write, by file name, in cell order (``-a`` appends).
    The magic line becomes an empty line, so line numbers in messages are the cell's own."""
    written: dict[str, str] = {}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        first, _, body = source.partition("\n")
        words = first.split()
        if not words or words[0] != "%%writefile":
            continue
        append = any(w in ("-a", "--append") for w in words[1:])
        names = [w for w in words[1:] if not w.startswith("-")]
        if not names:
            continue
        name = Path(names[0].strip("'\"")).name
        if append and name in written:
            written[name] += body
        else:
            written[name] = "\n" + body
    return written


def _notebook_chapter(path: Path) -> str | None:
    """The chapter a course notebook belongs to, from its metadata (``cnn_dojo.chapter``) or its name."""
    try:
        chapter = get_chapter(path.stem)
    except KeyError:
        chapter = None
    if chapter is not None and path.stem == chapter.id:
        return chapter.id
    try:
        if path.stat().st_size > NOTEBOOK_LIMIT:
            return None
        meta = json.loads(path.read_bytes()).get("metadata", {}).get("cnn_dojo", {})
    except (OSError, ValueError, AttributeError):
        return None
    return meta.get("chapter") if isinstance(meta, dict) and meta.get("chapter") in {c.id for c in CHAPTERS} else None


def _from_notebook(path: Path, chapter: Chapter, shown: str) -> _Found:
    found = _Found(source=f"notebook:{shown}")
    try:
        if path.stat().st_size > NOTEBOOK_LIMIT:
            raise ValueError(f"larger than {NOTEBOOK_LIMIT >> 20} MB")
        notebook = json.loads(path.read_bytes().decode("utf-8", "replace"))
        if not isinstance(notebook, dict):
            raise ValueError("not a notebook")
        written = notebook_files(notebook, chapter)
    except (OSError, ValueError) as error:
        found.problem = f"{shown}: {error}"
        return found
    model_name = Path(chapter.file).name
    for role, name in ((MODEL, model_name), (WORKSHEET, "worksheet.py")):
        if name in written:
            found.files[role] = SubmittedFile(role, name, written[name])
    return found


def _from_folder(folder: Path, chapter: Chapter, prefix: str, worksheet: bool) -> _Found:
    found = _Found(source="files")
    names = [(MODEL, Path(chapter.file).name)] + ([(WORKSHEET, "worksheet.py")] if worksheet else [])
    for role, name in names:
        path = folder / name
        if path.is_file():
            try:
                found.files[role] = SubmittedFile(role, f"{prefix}{name}", _read_text(path))
            except (OSError, ValueError) as error:
                found.problem = f"{prefix}{name}: {error}"
    return found


def find_in_folder(student: str, folder: Path, chapter_name: str, *, only_chapter: bool = True) -> Submission:
    """One student's submission for one chapter, from their folder (the first layout that has something).

    ``only_chapter``: the batch grades this chapter alone, so a ``worksheet.py`` lying flat in the folder
    is this chapter's (with several chapters, a flat worksheet counts only beside that chapter's model)."""
    chapter = get_chapter(chapter_name)
    model = Path(chapter.file).name
    looked_for = (f"exercises/{chapter.id}/{model}", f"{chapter.id}/{chapter.id}.ipynb", model, "worksheet.py",
                  f"{chapter.id}.ipynb")
    candidates: list[_Found] = []
    course = folder / "exercises" / chapter.id
    if course.is_dir():
        candidates.append(_from_folder(course, chapter, f"exercises/{chapter.id}/", True))
    own = folder / chapter.id
    if own.is_dir():
        notebook = own / f"{chapter.id}.ipynb"
        notebooks = [notebook] if notebook.is_file() else sorted(p for p in own.glob("*.ipynb") if _notebook_chapter(p) == chapter.id)
        if notebooks:
            candidates.append(_from_notebook(notebooks[0], chapter, f"{chapter.id}/{notebooks[0].name}"))
        candidates.append(_from_folder(own, chapter, f"{chapter.id}/", True))
    flat_notebooks = sorted(p for p in folder.glob("*.ipynb") if _notebook_chapter(p) == chapter.id)
    if flat_notebooks:
        candidates.append(_from_notebook(flat_notebooks[0], chapter, flat_notebooks[0].name))
    flat_worksheet = only_chapter or (folder / model).is_file()
    candidates.append(_from_folder(folder, chapter, "", flat_worksheet))
    chosen = next((c for c in candidates if c.files or c.problem), _Found())
    files = tuple(chosen.files[role] for role in (WORKSHEET, MODEL) if role in chosen.files)
    return Submission(student, chapter.id, files, looked_for, chosen.problem, chosen.source)


def _chapters_present(folders: list[Path]) -> list[str]:
    """The chapters that any student handed something in for (``--chapter all``)."""
    present = []
    for chapter in CHAPTERS:
        found = (find_in_folder(f.name, f, chapter.id, only_chapter=False) for f in folders)
        if any(not submission.empty or submission.problem for submission in found):
            present.append(chapter.id)
    return present


def find_submissions(root: Path, chapters: list[str] | None = None) -> list[Submission]:
    """Every student's submission for each chapter (``None``: every chapter anyone handed in), in
    student then course order. A student with nothing for a chapter gets an empty Submission."""
    folders = student_folders(Path(root))
    wanted = [get_chapter(name).id for name in chapters] if chapters else _chapters_present(folders)
    wanted = [c.id for c in CHAPTERS if c.id in set(wanted)]
    only = len(wanted) == 1
    return [find_in_folder(folder.name, folder, chapter, only_chapter=only) for folder in folders for chapter in wanted]
