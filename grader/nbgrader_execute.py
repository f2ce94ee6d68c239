"""The autograder's side of the nbgrader course (nbgrader_config.py puts these in nbgrader's pipelines).

    CheckTestCells     sanitizing, before OverwriteCells: names every test cell a submission deleted or
                       changed (nbgrader then puts the original back: ``OverwriteCells.add_missing_cells``)
    GradeOutsideKernel autograding, in place of nbgrader's Execute: runs no cell in a kernel. It writes the
                       files the notebook's ``%%writefile`` cells hold, grades them once in a fresh isolated
                       Python (grader.sealed) and writes each test cell's result as that cell's output: the
                       grader's message and hints, and its points (nbgrader reads a number as partial credit)
    ExportWithTestCells ``nbgrader export``: grades.csv with a column naming the changed test cells

Nothing a student defines in a kernel can replace a check (no kernel runs), the test cells' own code is
only what students run for feedback, and a cell that loops forever costs nothing: only the grader's
child runs the student's files, with its time limit per stage.
"""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors.base import NbGraderPreprocessor
from traitlets import Float, Integer, Unicode

from grader.chapters import Chapter, get_chapter
from grader.report import Check
from grader.scoring import tidy
from grader.text import t

__all__ = ["CheckTestCells", "GradeOutsideKernel", "ExportWithTestCells", "notebook_files", "check_of_cell",
           "SIDECAR"]

SIDECAR = "cnn_dojo_grading.json"  # beside each autograded notebook: the changed test cells, the grading's time
_FLAGS = "cnn_dojo_test_cells"  # the notebook's metadata between sanitizing and autograding
_WRITEFILE = re.compile(r"%%writefile(?P<append>\s+(?:-a|--append))?\s+(?P<name>\S+|\"[^\"]+\"|'[^']+')\s*$")


def check_of_cell(chapter: Chapter, grade_id: str) -> str | None:
    """The grader check a test cell's grade id stands for (grade ids are check ids made cell-id safe)."""
    from grader.nbgrader_course import grade_ids

    return grade_ids(chapter).get(grade_id)


def notebook_files(nb: NotebookNode, names: list[str]) -> dict[str, str]:
    """What the notebook's ``%%writefile NAME`` cells (and ``%%writefile -a NAME``) write into each of
    ``names``, in notebook order, as IPython would: a later cell replaces (or extends) an earlier one."""
    files: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        first, _, body = cell.source.lstrip("\n").partition("\n")
        match = _WRITEFILE.match(first.strip())
        if match is None:
            continue
        name = Path(match["name"].strip("\"'")).name
        if name in names:
            files[name] = (files.get(name, "") if match["append"] else "") + body + ("\n" if body else "")
    return files


class CheckTestCells(NbGraderPreprocessor):
    """Before OverwriteCells restores them: every test cell the submission deleted, or changed (its source,
    its points, its cell type), named in the log and kept for the autograding step and the export."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            source = gradebook.find_notebook(info["notebook"], info["assignment"])
            graded = {cell.name for cell in source.grade_cells}
            solutions = {cell.name for cell in source.solution_cells}
            tests = {cell.name: cell for cell in source.source_cells if cell.name in graded and cell.name not in solutions}
        present = {cell.metadata.nbgrader["grade_id"]: cell for cell in nb.cells
                   if cell.metadata.get("nbgrader", {}).get("grade_id") in tests}
        deleted = [name for name in tests if name not in present]
        altered = [name for name, cell in present.items() if _checksum(cell) != tests[name].checksum]
        who = f"{info.get('student', '?')}/{info['assignment']}/{info['notebook']}"
        for name in deleted:
            self.log.warning("%s: test cell %s was deleted; it is put back and graded (flagged in the export)", who, name)
        for name in altered:
            self.log.warning("%s: test cell %s was changed; its original is graded (flagged in the export)", who, name)
        nb.metadata[_FLAGS] = {"deleted": deleted, "altered": altered}  # whatever the submission held there
        return nb, resources


def _checksum(cell: NotebookNode) -> str | None:
    try:
        return utils.compute_checksum(cell)
    except (KeyError, TypeError, ValueError):  # its nbgrader metadata was edited beyond recognition
        return None


def _stream(text: str) -> NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text.rstrip("\n") + "\n")


def _outputs(check: Check, cell_points: float, notes: list[str], lang: str) -> list[NotebookNode]:
    """A test cell's outputs: the check's verdict and points. Full marks: its message. Partial credit: the
    message and hints, then the points as the cell's value (nbgrader's partial credit). None: an error
    with the message and hints (nbgrader scores an error as zero)."""
    share = check.points / check.max_points if check.max_points else float(check.passed)
    earned = tidy(cell_points * share)
    header = t("sealed.points", lang, check=check.id, points=earned, max_points=cell_points)
    lines = [*notes, f"{header}  {check.message}" if check.passed else f"{check.explain(lang, 2, with_id=True)}\n{header}"]
    if check.passed or earned > 0:
        outputs = [_stream("\n".join(lines))]
        if not check.passed:
            outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(earned))},
                                                  execution_count=None))
        return outputs
    return [nbformat.v4.new_output("error", ename="CheckFailed", evalue="\n".join(lines), traceback=lines)]


class GradeOutsideKernel(NbGraderPreprocessor):
    """In place of nbgrader's Execute: grades the notebook's files in a sealed Python, no kernel."""

    course_config = Unicode("", help="The course's course.toml: the partial-credit rule.").tag(config=True)
    lang = Unicode("en", help="The language of the messages written into the test cells.").tag(config=True)
    grader_timeout = Float(20.0, help="Seconds the student's code may run in the grader's child, per stage.").tag(config=True)
    memory_mb = Integer(3072, help="Megabytes the student's code may allocate in the grader's child.").tag(config=True)
    random_cases = Integer(50, help="Chapter 0: random cases per formula in the hidden tests.").tag(config=True)
    seed = Integer(0, help="Chapter 0: the seed of the random cases (the same for every student).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        from grader.sealed import SealedRequest, run_sealed

        info = resources["nbgrader"]
        chapter = get_chapter(info["notebook"])
        model_file = Path(chapter.file).name
        files = notebook_files(nb, [model_file, "worksheet.py"])
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        for name, text in files.items():  # for the record, where the kernel would have written them
            (folder / name).write_text(text, encoding="utf-8")
        start = time.monotonic()
        request = SealedRequest(chapter.id, files.get(model_file), files.get("worksheet.py"), self.lang,
                                self.grader_timeout, self.memory_mb, self.random_cases, self.seed,
                                self.course_config or None)
        try:
            answer = run_sealed(request)
            failure = None
        except (RuntimeError, OSError, ValueError) as error:  # a grader problem, never the student's
            self.log.error("%s/%s: the sealed grading failed: %s", info.get("student"), info["notebook"], error)
            answer, failure = {"model": None, "worksheet": None}, str(error)
        seconds = time.monotonic() - start
        checks: dict[str, Check] = {}
        for part in ("model", "worksheet"):
            for data in (answer.get(part) or {}).get("checks", []):
                checks[data["id"]] = Check(**{key: data[key] for key in ("id", "passed", "points", "max_points", "kind",
                                                                          "layer", "suspect", "message", "hints", "line",
                                                                          "variant")})
        flags = nb.metadata.pop(_FLAGS, {"deleted": [], "altered": []})
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            grade_id = meta["grade_id"]
            notes = [t("sealed.restored", self.lang)] if grade_id in flags["deleted"] else []
            notes += [t("sealed.altered", self.lang)] if grade_id in flags["altered"] else []
            check_id = check_of_cell(chapter, grade_id)
            cell.outputs = self._cell_outputs(chapter, check_id, checks, files, failure, float(meta.get("points", 0)),
                                              notes)
        self._record(folder, flags, seconds, failure)
        self.log.info("%s/%s graded outside the kernel in %.1f s", info.get("student"), info["notebook"], seconds)
        return nb, resources

    def _cell_outputs(self, chapter: Chapter, check_id: str | None, checks: dict[str, Check], files: dict[str, str],
                      failure: str | None, points: float, notes: list[str]) -> list[NotebookNode]:
        lang = self.lang
        if failure is not None:
            text = t("sealed.failed", lang, detail=failure)
        elif check_id is None:
            text = t("sealed.unknown", lang)
        elif check_id in checks:
            return _outputs(checks[check_id], points, notes, lang)
        else:
            missing = "worksheet.py" if check_id.startswith("worksheet.") else Path(chapter.file).name
            text = t("sealed.no_file", lang, file=missing)
        lines = [*notes, text]
        return [nbformat.v4.new_output("error", ename="CheckFailed", evalue="\n".join(lines), traceback=lines)]

    def _record(self, folder: Path, flags: dict[str, list[str]], seconds: float, failure: str | None) -> None:
        record = {**flags, "seconds": round(seconds, 2), "failure": failure}
        try:
            (folder / SIDECAR).write_text(json.dumps(record), encoding="utf-8")
        except OSError as error:
            self.log.error("could not write %s: %s", folder / SIDECAR, error)


class ExportWithTestCells(CsvExportPlugin):
    """grades.csv as nbgrader writes it, with one more column, ``test_cells``: the test cells a submission
    deleted or changed (``deleted: LeNet5_structure; changed: worksheet_CONV1_OUTPUT``), empty when none."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        coursedir = self.parent.coursedir
        keys = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
                "late_submission_penalty", "score", "max_score", "test_cells"]
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=keys)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if self.assignment and assignment.name not in map(str, self.assignment):
                    continue
                for student in gradebook.students:
                    if self.student and student.id not in map(str, self.student):
                        continue
                    row: dict[str, Any] = {"assignment": assignment.name, "duedate": assignment.duedate,
                                           "student_id": student.id, "last_name": student.last_name,
                                           "first_name": student.first_name, "email": student.email,
                                           "max_score": assignment.max_score, "test_cells": ""}
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                    else:
                        penalty = submission.late_submission_penalty
                        row.update(timestamp=submission.timestamp, raw_score=submission.score,
                                   late_submission_penalty=penalty, score=max(0.0, submission.score - penalty))
                        folder = Path(coursedir.format_path(coursedir.autograded_directory, student.id, assignment.name))
                        row["test_cells"] = _flags(folder)
                    writer.writerow({key: "" if value is None else value for key, value in row.items()})


def _flags(folder: Path) -> str:
    parts = []
    try:
        record = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    for key, label in (("deleted", "deleted"), ("altered", "changed")):
        if record.get(key):
            parts.append(f"{label}: {', '.join(record[key])}")
    return "; ".join(parts)
