"""Sealed grading: the autograder grades a notebook's files in a fresh, isolated Python of its own.

    python -I <absolute path>/grader/sealed.py        a request (JSON) on stdin, the reports (JSON) on stdout

``-I`` ignores the environment's PYTHON* variables, the user's site-packages and the working folder; the
grader is found from this file's own absolute path; the environment is emptied but for PATH, HOME and
the locale; the working folder is a fresh empty one holding only the copies of the files to grade. So
nothing a student defines in a notebook's kernel, and no file a student writes beside the notebook (a
``grader.py``, a ``sitecustomize.py``), reaches the grading: the notebook's code cells never run in it, only
the files its ``%%writefile`` cells hold, and those only in the grader's own time- and memory-limited child.

What remains possible is the student's code writing elsewhere as the user the autograder runs as (the
grader's installation, its cache): ``grade in a container`` closes that (README, "For instructors").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SealedRequest", "run_sealed", "main", "SCRIPT"]

SCRIPT = Path(__file__).resolve()
_ROOT = SCRIPT.parent.parent  # the folder holding the grader package


@dataclass(frozen=True)
class SealedRequest:
    """What to grade: a chapter's files (model file and worksheet, either may be missing) and how."""

    chapter: str
    model: str | None  # the model file's text, or None when the notebook does not write it
    worksheet: str | None
    lang: str = "en"
    timeout: float = 20.0
    memory_mb: int = 3072
    cases: int = 50  # chapter 0: random cases per formula on top of the fixed ones
    seed: int = 0
    course_config: str | None = None  # course.toml: the points and the partial-credit rule


def _environment() -> dict[str, str]:
    """A clean environment: no PYTHONPATH, no CNN_DOJO_* overrides, nothing the student's session set."""
    env = {"PATH": os.defpath, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    if os.environ.get("HOME"):
        env["HOME"] = os.environ["HOME"]  # the reference cache (~/.cache/cnn-dojo)
    return env


def run_sealed(request: SealedRequest, *, python: str | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Grade in a fresh ``python -I``: {"model": report dict or None, "worksheet": report dict or None}.
    Raises RuntimeError when the grading itself fails (never the student's doing: their code runs in the
    grader's child, whose every end is a verdict)."""
    from grader.chapters import get_chapter

    chapter = get_chapter(request.chapter)
    stages = 2 + len(chapter.models)  # building and tracing, then each model's run, then the worksheet
    limit = timeout if timeout is not None else stages * request.timeout + 120
    with tempfile.TemporaryDirectory(prefix="cnn-dojo-sealed-") as folder:
        payload = {"chapter": chapter.id, "lang": request.lang, "timeout": request.timeout,
                   "memory_mb": request.memory_mb, "cases": request.cases, "seed": request.seed,
                   "course_config": request.course_config, "files": {}}
        for kind, text, name in (("model", request.model, Path(chapter.file).name),
                                 ("worksheet", request.worksheet, "worksheet.py")):
            if text is not None:
                path = Path(folder) / name
                path.write_text(text, encoding="utf-8")
                payload["files"][kind] = str(path)
        done = subprocess.run([python or sys.executable, "-I", str(SCRIPT)], input=json.dumps(payload), cwd=folder,
                              env=_environment(), capture_output=True, text=True, timeout=limit)
    if done.returncode != 0:
        raise RuntimeError(f"the sealed grader exited with {done.returncode}: {done.stderr.strip()[-2000:]}")
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"the sealed grader gave no answer: {done.stdout[-500:]} {done.stderr[-1500:]}") from None


def main() -> int:
    """The sealed side: read the request, grade, print one JSON line."""
    from grader.pipeline import grade, grade_worksheet
    from grader.scoring import DEFAULT, load_scoring

    request = json.loads(sys.stdin.read())
    scoring = load_scoring(request["course_config"]) if request.get("course_config") else DEFAULT
    options = {"timeout": float(request["timeout"]), "memory_mb": int(request["memory_mb"]), "scoring": scoring}
    files = request["files"]
    answer: dict[str, Any] = {"model": None, "worksheet": None}
    if "model" in files:
        report = grade(request["chapter"], files["model"], request["lang"], worksheet=False,
                       hidden_cases=int(request["cases"]), seed=int(request["seed"]), **options)
        answer["model"] = {**report.to_dict(), "seconds": report.seconds}
    if "worksheet" in files:
        report = grade_worksheet(request["chapter"], files["worksheet"], request["lang"], **options)
        answer["worksheet"] = {**report.to_dict(), "seconds": report.seconds}
    sys.stdout.write("\n" + json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(_ROOT))  # -I leaves the script's own folder off sys.path: find the grader by path
    from grader.sealed import main as _main

    raise SystemExit(_main())
