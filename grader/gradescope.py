"""Gradescope: ``python -m grader gradescope CHAPTER OUT.zip`` builds an autograder bundle for one chapter.

    setup.sh          run once when Gradescope builds the image: Python, the CPU build of torch, cnn-dojo
    run_autograder    run for every submission: grades /autograder/submission/ (the student's files, a
                      copy of the course, or the chapter's notebook, as ``batch`` reads them, never
                      executing a notebook) and writes /autograder/results/results.json
    cnn-dojo/         this checkout's grader and reference zoo (pyproject.toml, grader/, solutions/)

The grading is the batch's (``grader.batch.grade_task``), in the autograder's own process: the same
isolation, the same checks and points, and checks hidden in the nbgrader notebooks are
``after_published``. ``AUTOGRADER_ROOT`` and ``CNN_DOJO_PYTHON`` let a test run it on a stand-in folder.
"""

from __future__ import annotations

import json
import traceback
import zipfile
from pathlib import Path
from typing import Any

from grader.batch import make_tasks, write_atomically
from grader.chapters import ROOT, get_chapter
from grader.isolate import DEFAULT_MEMORY_MB
from grader.scoring import DEFAULT, Scoring
from grader.submissions import find_in_folder
from grader.text import normalize_lang

__all__ = ["build_bundle", "run_autograder", "bundle_files", "TORCH_INDEX"]

TORCH_INDEX = "https://download.pytorch.org/whl/cpu"  # PyTorch's own index of CPU-only wheels

_SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# It installs Python, the CPU-only build of torch {torch} (the default build from PyPI brings CUDA, gigabytes
# the container never uses) and cnn-dojo's grader from cnn-dojo/ in this bundle.
set -euo pipefail
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-pip python3-venv
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --no-cache-dir --upgrade pip
/autograder/venv/bin/pip install --no-cache-dir "torch=={torch}" --index-url {index}
/autograder/venv/bin/pip install --no-cache-dir -c /autograder/source/cnn-dojo/constraints.txt /autograder/source/cnn-dojo
/autograder/venv/bin/python -c "import torch, grader.pipeline; print('cnn-dojo ready, torch', torch.__version__)"
"""

_RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades /autograder/submission/ for {chapter} and writes
# /autograder/results/results.json. Written by `python -m grader gradescope {chapter} ...`.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{CNN_DOJO_PYTHON:-$ROOT/venv/bin/python}}"
cd "$ROOT"  # python -m imports from the current folder first: never another copy of the grader
exec "$PYTHON" -m grader gradescope-run {chapter} --root "$ROOT" --lang {lang} --timeout {timeout:g} --memory-mb {memory_mb}{course}
"""


def _torch_release() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("torch").split("+")[0]
    except PackageNotFoundError:
        return "2.13.0"


def bundle_files(root: Path | None = None) -> list[tuple[Path, str]]:
    """The checkout's files the bundle carries, as (path on disk, name in the zip under cnn-dojo/)."""
    root = Path(root or ROOT)
    files = [(root / name, name) for name in ("pyproject.toml", "constraints.txt", "README.md")]
    for package in ("grader", "solutions"):
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".md", ".txt", ".json"):
                files.append((path, str(path.relative_to(root))))
    return [(path, f"cnn-dojo/{name}") for path, name in files]


def build_bundle(chapter: str, zip_path: Path, *, lang: str = "en", timeout: float = 60.0,
                 memory_mb: int = DEFAULT_MEMORY_MB, root: Path | None = None, course: Path | None = None) -> Path:
    """Write the autograder bundle of ``chapter`` to ``zip_path``; return it. ``course``: the course config
    (course.toml) whose points and partial-credit rule the autograder uses, carried in the bundle."""
    chapter_id = get_chapter(chapter).id
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    scripts = {
        "setup.sh": _SETUP.format(torch=_torch_release(), index=TORCH_INDEX),
        "run_autograder": _RUN.format(chapter=chapter_id, lang=normalize_lang(lang), timeout=timeout,
                                      memory_mb=memory_mb,
                                      course=' --course "$ROOT/source/course.toml"' if course else ""),
    }
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in scripts.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16  # executable
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, text)
        for path, name in bundle_files(root):
            bundle.write(path, name)
        if course:
            bundle.write(course, "course.toml")
    return zip_path


def run_autograder(root: Path, chapter: str, *, lang: str = "en", timeout: float = 60.0,
                   memory_mb: int = DEFAULT_MEMORY_MB, scoring: Scoring = DEFAULT) -> dict[str, Any]:
    """Grade ``root``/submission for ``chapter`` and write ``root``/results/results.json (always: a grader
    that fails writes a zero with the reason, so Gradescope never shows a bare "autograder failed")."""
    from grader.batch import grade_task
    from grader.exports import gradescope_results

    root = Path(root)
    lang = normalize_lang(lang)
    results_path = root / "results" / "results.json"
    try:
        submission = find_in_folder("submission", root / "submission", chapter, only_chapter=True)
        [task] = make_tasks([submission], lang, timeout, memory_mb, scoring)
        results = gradescope_results([grade_task(task)], lang)
    except Exception:  # noqa: BLE001 - the student must get an answer, the instructor the reason
        results = {"score": 0, "output": "cnn-dojo could not grade this submission; please tell your instructor.\n"
                                         + traceback.format_exc()[-3000:], "tests": []}
    write_atomically(results_path, json.dumps(results, ensure_ascii=False, indent=1))
    return results
