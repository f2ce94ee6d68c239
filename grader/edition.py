"""``python -m grader student-edition OUT``: cnn-dojo for learners, without the solutions.

OUT is an installable copy of cnn-dojo (``pip install -e OUT``, or ``pip install OUT`` for the notebooks)
that grades exactly as this checkout does, with no reference source in it:

    grader/       the grader, and grader/reference_pack.json.gz, the reference pack (grader.reference):
                  every reference trace, the reference side of every function check (parameter shapes in
                  the order forward uses them, the seed of the check's weights and batch, the expected
                  outputs and each weight layer's fingerprint). The worksheets' answers are derived from
                  the traces when a worksheet is graded, as always; no file holds them.
    solutions/    the zoo's registry as data (names, facts, the configuration tables): no model class
    exercises/    the stubs, notes and worksheets as committed (git HEAD): never anyone's work in progress
    app.py, app_pages/, .streamlit/   the app
    pyproject.toml, constraints.txt, README.md

What it cannot hide: the pack describes each reference's architecture (the grader needs that to explain a
difference, and the app draws it), and chapter 0's formulas are the grader's own formula library.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from grader import reference
from grader.chapters import ROOT

__all__ = ["build_student_edition"]

_GRADER = Path(__file__).resolve().parent
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", reference.PACK.name)


def _registry() -> str:
    """solutions/__init__.py of the edition: every registered model's facts, written out as data."""
    import solutions

    lines = [
        '"""The reference zoo\'s registry, as data. This is the student edition: it has no reference source (the',
        'grader reads the reference pack, grader/reference_pack.json.gz), so a model cannot be built here."""',
        "",
        "from solutions._registry import ModelInfo, get_model, get_model_info, list_models, literal, register_model",
        "",
        '__all__ = ["ModelInfo", "get_model", "get_model_info", "list_models", "register_model", "model_modules"]',
        "",
        "",
        "def model_modules() -> list[str]:",
        '    """The modules defining the registered models: none in the student edition."""',
        "    return []",
        "",
    ]
    for name in solutions.list_models():
        info = solutions.get_model_info(name)
        fields = ", ".join(f"{field.name}={getattr(info, field.name)!r}" for field in dataclasses.fields(info))
        lines.append(f"register_model(ModelInfo({fields}))")
    return "\n".join(lines) + "\n"


def _exercises(root: Path, destination: Path) -> None:
    """The exercises as committed (git HEAD), never a learner's work in this checkout; the folder as it is
    outside a git checkout."""
    try:
        archive = subprocess.run(["git", "-C", str(root), "archive", "HEAD", "exercises"], capture_output=True,
                                 check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(root / "exercises", destination / "exercises", ignore=_IGNORE)
        return
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")


def _pyproject(root: Path) -> str:
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    text = text.replace('name = "cnn-dojo"', 'name = "cnn-dojo-student"', 1)
    marker = "[tool.setuptools.packages.find]"
    package_data = f'[tool.setuptools.package-data]\ngrader = ["{reference.PACK.name}"]\n\n'
    return text.replace(marker, package_data + marker, 1)


_README = """# cnn-dojo (student edition)

Learn the classic convolutional networks by building them: LeNet-5, AlexNet, ZFNet, NiN, VGG16 and GoogLeNet.
This edition grades exactly as the full cnn-dojo does, but holds no reference solution: the grader compares
your work with a reference pack (`grader/reference_pack.json.gz`).

```console
$ python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e .
$ .venv/bin/python -m grader check ch01 --hints 2    # grade exercises/ch01_lenet
$ .venv/bin/python -m grader list                    # every chapter, its status and score
$ .venv/bin/streamlit run app.py                     # the app
```

For a course's notebooks, `pip install <this folder>` is enough: the test cells import the grader.
"""


def build_student_edition(out: str | Path, *, root: Path | None = None, force: bool = False) -> Path:
    """Write the student edition into ``out`` (a new folder, or with ``force`` one to replace) and return it."""
    if reference.in_edition():
        raise RuntimeError("this is the student edition already: build it from a full cnn-dojo checkout")
    root = (root or ROOT).resolve()
    destination = Path(out).resolve()
    if destination.exists() and any(destination.iterdir()):
        if not force:
            raise FileExistsError(f"{destination} is not empty; choose a new folder, or replace it with --force")
        shutil.rmtree(destination)
    with tempfile.TemporaryDirectory(prefix="cnn-dojo-edition-", dir=destination.parent) as scratch:
        build = Path(scratch) / "edition"
        shutil.copytree(_GRADER, build / "grader", ignore=_IGNORE)
        reference.write_pack(build / "grader" / reference.PACK.name)
        (build / "solutions").mkdir()
        shutil.copy(Path(_registry_file()), build / "solutions" / "_registry.py")
        (build / "solutions" / "__init__.py").write_text(_registry(), encoding="utf-8")
        _exercises(root, build)
        for name in ("app.py", "constraints.txt"):
            shutil.copy(_GRADER.parent / name, build / name)
        for folder in ("app_pages", ".streamlit"):
            shutil.copytree(_GRADER.parent / folder, build / folder, ignore=_IGNORE)
        (build / "pyproject.toml").write_text(_pyproject(_GRADER.parent), encoding="utf-8")
        (build / "README.md").write_text(_README, encoding="utf-8")
        build.rename(destination) if not destination.exists() else _move_into(build, destination)
    return destination


def _registry_file() -> str:
    import solutions._registry

    return solutions._registry.__file__


def _move_into(build: Path, destination: Path) -> None:
    for item in build.iterdir():
        shutil.move(str(item), destination / item.name)
