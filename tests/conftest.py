from __future__ import annotations

import atexit
import contextlib
import functools
import io
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def committed_course(destination: Path) -> Path:
    """The course as committed (exercises/ and solutions/ at git HEAD) under ``destination``: the tests grade
    and generate from the released stubs, never from a learner's work in progress in this checkout's
    exercises/. Outside a git checkout, the files as they are."""
    destination.mkdir(parents=True, exist_ok=True)
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", "exercises", "solutions"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        for folder in ("exercises", "solutions"):
            shutil.copytree(ROOT / folder, destination / folder, ignore=shutil.ignore_patterns("__pycache__"))
        return destination
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


@functools.cache
def committed() -> Path:
    """The committed course, extracted once per test process (read only: copy what a test changes)."""
    folder = Path(tempfile.mkdtemp(prefix="cnn-dojo-committed-"))
    atexit.register(shutil.rmtree, folder, True)
    return committed_course(folder)


@pytest.fixture(autouse=True)
def _default_dtype_and_threads():
    """Keep global torch state from leaking between tests."""
    dtype = torch.get_default_dtype()
    yield
    torch.set_default_dtype(dtype)


def edition_python(edition: Path, code: str, timeout: float = 600, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with the student edition as the only cnn-dojo: ``python -I -S`` (no site: not this
    checkout's editable install), the edition first on sys.path, then the environment's packages (torch, ...)."""
    paths = [str(edition), *dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])]
    prelude = f"import sys; sys.path[:0] = {paths!r}\n"
    return subprocess.run([sys.executable, "-I", "-S", "-c", prelude + code], cwd=cwd or edition, capture_output=True,
                          text=True, timeout=timeout)


def run_torchsummary(model: torch.nn.Module, input_shape: tuple[int, ...]) -> str:
    """What the real torchsummary package prints for a CPU model."""
    from torchsummary import summary

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        summary(model, input_shape, device="cpu")
    return buffer.getvalue()


sys.path.insert(0, str(ROOT))
