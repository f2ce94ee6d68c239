"""Benchmark: what the grader adds to an nbgrader autograde run, per notebook.

Run from the repository root:  .venv/bin/python bench/bench_nbgrader.py [--chapters ch01 ch05] [--runs 3]

It builds the course (``python -m grader nbgrader``) in a temporary folder, releases it with
``nbgrader generate_assignment "*"``, and hands in the solved notebook of each chapter. For each chapter:
  * learner cells only: nbclient executes the solved notebook without its setup and test cells (kernel
    start, the worksheet and model cells, the try cell that builds and runs the model), median of --runs;
  * graded: nbclient executes the notebook as the autograder does, with every test cell, hidden tests
    included, median of --runs; "grader" is graded minus learner cells only, "test cells" the time the
    kernel reports for the setup and test cells themselves (the grader's own work, seen from inside);
  * nbgrader autograde: ``nbgrader autograde <chapter>`` over --students copies of the submission; per
    notebook, the median time nbgrader's log spends on one submission (copy, sanitize, execute, save the
    grades); nbgrader's own start, once per command, is the rest of the wall time, shown apart.
The machine's load average is printed with the figures: on a busy machine every figure grows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from grader.chapters import CHAPTERS, get_chapter  # noqa: E402


def _nbgrader(course: Path, *args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)}:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def _autograde(course: Path, chapter: str, students: list[str]) -> tuple[float, list[float]]:
    """``nbgrader autograde <chapter>``: its wall time, and the time it spent on each student's submission
    (from the first to the last line nbgrader logs about it, with the log's own timestamps)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", chapter, "--force",
                             "--Application.log_format=%(created)f %(message)s"],
                            cwd=course, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader autograde {chapter}:\n{result.stderr[-3000:]}")
    seen: dict[str, list[float]] = {}
    for line in result.stderr.splitlines():
        stamp, _, message = line.partition(" ")
        for student in students:
            if f"/{student}/" in message or f"'{student}'" in message:
                seen.setdefault(student, []).append(float(stamp))
    return wall, [max(stamps) - min(stamps) for stamps in seen.values()]


def _solved(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def _submission(course: Path, chapter: str) -> nbformat.NotebookNode:
    """The release with the worksheet and model cells solved: what a learner who got it all right hands in."""
    source = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    notebook = nbformat.read(course / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    solutions = {cell.id: cell.source for cell in source.cells}
    for cell in notebook.cells:
        if cell.get("id") in ("worksheet", "model"):
            cell.source = _solved(solutions[cell.id])
    return notebook


def _as_graded(course: Path, notebook: nbformat.NotebookNode, chapter: str) -> nbformat.NotebookNode:
    """The notebook the autograder executes: the test cells as in the source, hidden tests included."""
    source = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    tests = {cell.id: cell.source for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    graded = nbformat.from_dict(notebook)
    for cell in graded.cells:
        if cell.get("id") in tests:
            cell.source = tests[cell.id]
    return graded


def _learner_only(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    plain = nbformat.from_dict(notebook)
    plain.cells = [cell for cell in plain.cells
                   if not cell.metadata.get("nbgrader", {}).get("grade") and cell.get("id") != "setup"]
    return plain


def _execute(notebook: nbformat.NotebookNode) -> tuple[float, float]:
    """Wall time of executing the notebook in a fresh kernel and folder; and the kernel-reported time of
    its setup and test cells."""
    work = Path(tempfile.mkdtemp(prefix="bench-nbgrader-"))
    try:
        copy = nbformat.from_dict(notebook)
        client = NotebookClient(copy, timeout=600, allow_errors=False, record_timing=True, shutdown_kernel="immediate",
                                resources={"metadata": {"path": str(work)}})
        start = time.perf_counter()
        client.execute()
        wall = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    grading = 0.0
    for cell in copy.cells:
        timing = cell.metadata.get("execution", {})
        if cell.get("id") == "setup" or cell.metadata.get("nbgrader", {}).get("grade"):
            began = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            ended = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            grading += (ended - began).total_seconds()
    return wall, grading


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="+", default=[chapter.id for chapter in CHAPTERS])
    parser.add_argument("--runs", type=int, default=3, help="nbclient executions per chapter and variant (default 3)")
    parser.add_argument("--students", type=int, default=3, help="submissions per chapter for nbgrader autograde")
    parser.add_argument("--json", action="store_true", help="also print one JSON object")
    args = parser.parse_args()
    chapters = [get_chapter(name).id for name in args.chapters]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)

    import torch

    load = os.getloadavg()[0]
    print(f"cnn-dojo nbgrader benchmark  python {platform.python_version()}  torch {torch.__version__}  "
          f"{os.cpu_count()} cores, load average {load:.2f}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-course-") as folder:
        course = Path(folder) / "course"
        subprocess.run([sys.executable, "-m", "grader", "nbgrader", str(course)], check=True, capture_output=True)
        _nbgrader(course, "generate_assignment", "*")
        for chapter in chapters:
            notebook = _submission(course, chapter)
            plain = [_execute(_learner_only(notebook))[0] for _ in range(args.runs)]
            graded = [_execute(_as_graded(course, notebook, chapter)) for _ in range(args.runs)]
            students = [f"student{n}" for n in range(args.students)]
            for student in students:
                target = course / "submitted" / student / chapter
                target.mkdir(parents=True, exist_ok=True)
                nbformat.write(notebook, target / f"{chapter}.ipynb")
            wall, spans = _autograde(course, chapter, students)
            results[chapter] = {
                "learner_cells_s": statistics.median(plain),
                "graded_s": statistics.median(wall for wall, _ in graded),
                "test_cells_s": statistics.median(cells for _, cells in graded),
                "autograde_per_notebook_s": statistics.median(spans),
                "autograde_fixed_s": wall - sum(spans),
            }
            r = results[chapter]
            print(f"  {chapter}: {r['learner_cells_s']:.2f} s learner cells, {r['graded_s']:.2f} s graded", flush=True)
    load = max(load, os.getloadavg()[0])

    print(f"\nPer notebook, median of {args.runs} nbclient runs; autograde over {args.students} submissions")
    print(f"{'chapter':<16}{'learner cells':>15}{'graded':>10}{'grader':>10}{'share':>8}{'test cells':>12}"
          f"{'autograde':>11}")
    for chapter, r in results.items():
        extra = r["graded_s"] - r["learner_cells_s"]
        print(f"{chapter:<16}{r['learner_cells_s']:>14.2f}s{r['graded_s']:>9.2f}s{extra:>9.2f}s"
              f"{100 * extra / r['graded_s']:>7.0f}%{r['test_cells_s']:>11.2f}s{r['autograde_per_notebook_s']:>10.2f}s")
    fixed = statistics.median(r["autograde_fixed_s"] for r in results.values())
    print(f"(nbgrader autograde's own start and finish, once per command: {fixed:.2f} s; "
          f"highest load average {load:.2f})")
    if args.json:
        print(json.dumps({"load_average": load, "chapters": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
