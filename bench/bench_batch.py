"""Benchmark: grading a whole class with ``python -m grader batch`` against ``nbgrader autograde``.

Run from the repository root:  .venv/bin/python bench/bench_batch.py [--students 200] [--chapters ch01 ch05]

For each chapter it writes a synthetic class of --students submissions as nbgrader notebooks (the
release notebook with the student's worksheet and model cells): mostly correct models written in several
ways, single defects, two hangs (an endless loop at import, a sleep in __init__), a segfault and an
os._exit. Each file carries its student's name, so no two submissions are the same text.

  * batch, 1 and 2 local workers, and a Dask LocalCluster of 2 workers: ``python -m grader batch`` over
    the course folder (it reads the notebooks, never executes them), wall time of the whole command
    (start, workers, grading, exports); submissions per minute = students / wall time;
  * the grader's cost per submission once the workers are warm: the median time a worker spends on one
    correct submission (worksheet and model, from the results' ``seconds``), in the 1-worker run;
  * nbgrader autograde: the same notebooks, the first --nbgrader-students of them (sequential, its rate
    does not depend on the class size), ``nbgrader autograde <chapter>``, wall time of the command.

Every batch grades with the same limits as the nbgrader course (--timeout, default 20 s, for the
learner's code; nbgrader's cell timeout is --cell-timeout). The load average is printed with each
figure: the machine is shared, and every figure grows with it. Results go to bench/results/ too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

from grader.chapters import get_chapter  # noqa: E402

LEARNERS = ROOT / "tests" / "learners"

# chapter -> (correct variants, single defects); learner files of tests/learners, or "solution"
MIX = {
    "ch01_lenet": (["solution", "correct_functional.py", "correct_modulelist.py", "correct_sequential.py"],
                   ["hardcoded_10.py", "tanh.py", "avgpool.py", "bias_false.py", "extra_dropout.py", "kernel3_conv1.py",
                    "no_relu_fc1.py", "out32_conv2.py", "extra_softmax.py", "fc1_in_features.py"]),
    "ch05_vgg": (["solution", "correct_blocks.py", "correct_functional.py", "correct_make_layers.py"],
                 ["hardcoded_1000.py", "avgpool.py", "batchnorm.py", "extra_conv_block2.py", "no_dropout.py",
                  "out256_block4.py", "pad0_conv7.py", "vgg13_block3.py", "misnamed_vgg.py"]),
}
TROUBLE = {  # student number -> what goes wrong
    37: "import time\n\nwhile True:\n    pass\n",  # an endless loop at import
    91: "import time\n\ntime.sleep(10_000)\n",  # a sleep
    123: "import ctypes\n\nctypes.string_at(0)\n",  # a segfault
    171: "import os\n\nos._exit(3)\n",  # the interpreter ends
}


def _model_text(chapter: str, student: int) -> tuple[str, str]:
    """(what, source) of one student's model file: 70% correct, 28% one defect, 4 in 200 trouble."""
    spec = get_chapter(chapter)
    correct, defects = MIX[chapter]
    if student in TROUBLE:
        what, source = "trouble", (ROOT / "solutions" / spec.file).read_text() + "\n" + TROUBLE[student]
    elif student % 10 < 7:
        name = correct[student % len(correct)]
        what = "correct"
        source = (ROOT / "solutions" / spec.file if name == "solution" else LEARNERS / chapter / name).read_text()
    else:
        name = defects[student % len(defects)]
        what, source = f"defect:{name}", (LEARNERS / chapter / name).read_text()
    return what, f"# student{student:03d}\n{source}"


def _notebooks(course: Path, chapter: str, students: int) -> dict[str, str]:
    """Hand in every student's notebook under course/submitted/; return student -> what they handed in."""
    release = nbformat.read(course / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    worksheet = (ROOT / "solutions" / chapter / "worksheet.py").read_text()
    file_name = Path(get_chapter(chapter).file).name
    kinds = {}
    for number in range(students):
        student = f"student{number:03d}"
        what, model = _model_text(chapter, number)
        notebook = nbformat.from_dict(release)
        for cell in notebook.cells:
            if cell.get("id") == "worksheet":
                cell.source = f"%%writefile worksheet.py\n# {student}\n{worksheet}"
            elif cell.get("id") == "model":
                cell.source = f"%%writefile {file_name}\n{model}"
        folder = course / "submitted" / student / chapter
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / f"{chapter}.ipynb")
        kinds[student] = what
    return kinds


def _load() -> float:
    return os.getloadavg()[0]


def _run(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall time of a command, and the load average before and after it."""
    before = _load()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return wall, before, _load()


def _course(folder: Path, chapters: list[str], args: argparse.Namespace) -> Path:
    course = folder / "course"
    subprocess.run([sys.executable, "-m", "grader", "nbgrader", str(course), "--grader-timeout", str(args.timeout),
                    "--cell-timeout", str(args.cell_timeout), *sum((["--chapter", c] for c in chapters), [])],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", *chapters], cwd=course, check=True,
                   capture_output=True)
    return course


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="+", default=["ch01_lenet", "ch05_vgg"])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--nbgrader-students", type=int, default=40,
                        help="how many of the same notebooks nbgrader autograde grades (default 40; 0 skips it)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds for the learner's code (both tools)")
    parser.add_argument("--cell-timeout", type=int, default=30, help="nbgrader's seconds per cell")
    parser.add_argument("--runs", nargs="+", default=["workers:1", "workers:2", "dask:2"])
    args = parser.parse_args()
    chapters = [get_chapter(name).id for name in args.chapters]
    env_path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    os.environ["PYTHONPATH"] = env_path

    import torch

    print(f"cnn-dojo batch benchmark  python {platform.python_version()}  torch {torch.__version__}  "
          f"{os.cpu_count()} cores  load average {_load():.2f}  {args.students} students per chapter", flush=True)
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        folder = Path(scratch)
        for chapter in chapters:
            course = _course(folder / chapter, [chapter], args)
            kinds = _notebooks(course, chapter, args.students)
            mix = {k: sum(1 for v in kinds.values() if v.split(":")[0] == k) for k in ("correct", "defect", "trouble")}
            row: dict = {"mix": mix, "runs": {}}
            print(f"\n{chapter}: {mix}", flush=True)
            for run in args.runs:
                kind, _, count = run.partition(":")
                out = folder / f"out-{chapter}-{kind}{count}"
                flag = ["--workers", count] if kind == "workers" else ["--scheduler", f"local:{count}"]
                wall, before, after = _run([sys.executable, "-m", "grader", "batch", str(course), "--chapter", chapter,
                                            "--out", str(out), "--timeout", str(args.timeout), "--quiet", *flag], ROOT)
                records = [json.loads(p.read_text()) for p in out.glob(f"*/{chapter}.json")]
                assert len(records) == args.students, (run, len(records))
                first = {}  # each worker's first grading pays its one-time costs: not "warm"
                for r in sorted(records, key=lambda r: r["graded_at"]):
                    first.setdefault(r["worker"], r["student"])
                warm = [r["seconds"] for r in records if kinds[r["student"]] == "correct"
                        and r["student"] not in first.values()]
                row["runs"][run] = {"wall_s": wall, "per_minute": 60 * args.students / wall,
                                    "warm_median_s": statistics.median(warm), "load": [before, after],
                                    "scores": sorted(r["score"] for r in records)}
                print(f"  batch {run:<10} {wall:7.1f} s  {60 * args.students / wall:6.1f} submissions/min  "
                      f"warm median {statistics.median(warm):.2f} s/submission  load {before:.1f}->{after:.1f}",
                      flush=True)
            if args.nbgrader_students:
                subset = folder / chapter / "nbgrader"
                nb_course = _course(subset, [chapter], args)
                for number in range(args.nbgrader_students):
                    student = f"student{number:03d}"
                    target = nb_course / "submitted" / student / chapter
                    target.mkdir(parents=True)
                    source = course / "submitted" / student / chapter / f"{chapter}.ipynb"
                    (target / f"{chapter}.ipynb").write_bytes(source.read_bytes())
                wall, before, after = _run([sys.executable, "-m", "nbgrader", "autograde", chapter], nb_course)
                row["nbgrader"] = {"students": args.nbgrader_students, "wall_s": wall,
                                   "per_minute": 60 * args.nbgrader_students / wall, "load": [before, after]}
                print(f"  nbgrader autograde  {wall:7.1f} s  {60 * args.nbgrader_students / wall:6.1f} submissions/min "
                      f"({args.nbgrader_students} notebooks)  load {before:.1f}->{after:.1f}", flush=True)
            figures[chapter] = row

    print("\nAgainst the goals")
    for chapter, row in figures.items():
        runs = row["runs"]
        one, two = runs.get("workers:1"), runs.get("workers:2")
        if one and two:
            print(f"  {chapter}: 1 -> 2 workers {two['per_minute'] / one['per_minute']:.2f}x (goal 1.7x)")
        if two and "nbgrader" in row:
            best = max(r["per_minute"] for r in runs.values())
            print(f"  {chapter}: batch (best) / nbgrader autograde {best / row['nbgrader']['per_minute']:.1f}x (goal 5x)")
        if one and chapter == "ch05_vgg":
            print(f"  {chapter}: grader cost per submission, warm worker {one['warm_median_s']:.2f} s (goal 1.5 s)")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"batch-{stamp}.json").write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
