"""Benchmark: an nbgrader autograde run of the cnn-dojo course, per notebook.

Run from the repository root:  .venv/bin/python bench/bench_nbgrader.py [--chapters ch01 ch05] [--students 3]

It builds the course (``python -m grader nbgrader``, default limits) in a temporary folder, releases it with
``nbgrader generate_assignment "*"``, and hands in, for each chapter, --students copies of the solved
notebook and one notebook whose model file loops forever (``while True: pass`` after the solution). Autograde
runs no cell in a kernel (grader.nbgrader_execute.GradeOutsideKernel): it grades the notebook's files in a
fresh ``python -I`` of its own. Figures, per notebook, from nbgrader's own log (copy, sanitize, grade, save
the grades):
  * solved: the median over the copies of the solved notebook;
  * endless loop: the notebook whose model file never finishes importing (the grader stops it after
    GRADER_TIMEOUT, 20 s by default);
  * graded outside the kernel: of the solved notebook's time, the sealed grading itself (the grader's log);
nbgrader's own start and finish, once per command, is shown apart.
The machine's load average is printed with the figures: on a busy machine every figure grows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from grader.chapters import CHAPTERS, get_chapter  # noqa: E402


def _nbgrader(course: Path, *args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)}:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def _autograde(course: Path, chapter: str, students: list[str]) -> tuple[float, dict[str, float], dict[str, float]]:
    """``nbgrader autograde <chapter>``: its wall time, the time it spent on each student's submission (from
    the first to the last line nbgrader logs about it, with the log's own timestamps), and the time the
    sealed grading took for each (the grader's own log line)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", chapter, "--force",
                             "--Application.log_format=%(created)f %(message)s"],
                            cwd=course, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader autograde {chapter}:\n{result.stderr[-3000:]}")
    seen: dict[str, list[float]] = {}
    graded: dict[str, float] = {}
    for line in result.stderr.splitlines():
        stamp, _, message = line.partition(" ")
        if found := _GRADED.search(message):
            graded[found.group(1)] = float(found.group(2))
        for student in students:
            if f"/{student}/" in message or f"'{student}'" in message or message.startswith(f"{student}/"):
                seen.setdefault(student, []).append(float(stamp))
    return wall, {student: max(stamps) - min(stamps) for student, stamps in seen.items()}, graded


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


def _looping(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The solved notebook, with a model file that loops forever when it is imported."""
    looping = nbformat.from_dict(notebook)
    for cell in looping.cells:
        if cell.get("id") == "model":
            cell.source = cell.source.rstrip() + "\n\nwhile True:\n    pass\n"
    return looping


_GRADED = re.compile(r"(\S+)/\S+ graded outside the kernel in ([\d.]+) s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="+", default=[chapter.id for chapter in CHAPTERS])
    parser.add_argument("--students", type=int, default=3, help="copies of the solved notebook per chapter")
    parser.add_argument("--json", action="store_true", help="also print one JSON object")
    args = parser.parse_args()
    chapters = [get_chapter(name).id for name in args.chapters]

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
            students = [f"student{n}" for n in range(args.students)]
            for student, work in [*((student, notebook) for student in students), ("looping", _looping(notebook))]:
                target = course / "submitted" / student / chapter
                target.mkdir(parents=True, exist_ok=True)
                nbformat.write(work, target / f"{chapter}.ipynb")
            wall, spans, graded = _autograde(course, chapter, [*students, "looping"])
            results[chapter] = {
                "solved_s": statistics.median(spans[student] for student in students),
                "endless_loop_s": spans["looping"],
                "sealed_s": statistics.median(graded[student] for student in students),
                "autograde_fixed_s": wall - sum(spans.values()),
            }
            r = results[chapter]
            print(f"  {chapter}: {r['solved_s']:.2f} s solved, {r['endless_loop_s']:.2f} s endless loop", flush=True)
    load = max(load, os.getloadavg()[0])

    print(f"\nPer notebook; solved: median of {args.students} submissions")
    print(f"{'chapter':<16}{'solved':>10}{'graded outside the kernel':>28}{'endless loop':>15}")
    for chapter, r in results.items():
        print(f"{chapter:<16}{r['solved_s']:>9.2f}s{r['sealed_s']:>27.2f}s{r['endless_loop_s']:>14.2f}s")
    fixed = statistics.median(r["autograde_fixed_s"] for r in results.values())
    print(f"(nbgrader autograde's own start and finish, once per command: {fixed:.2f} s; "
          f"highest load average {load:.2f})")
    if args.json:
        print(json.dumps({"load_average": load, "chapters": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
