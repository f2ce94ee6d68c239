"""The learner's command line beyond check: list, hint (one more level each time), watch (Ctrl-C stops)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, committed


@pytest.fixture
def course(tmp_path):
    """A learner's copy of the course: pristine stubs, their own data directory."""
    shutil.copytree(committed() / "exercises", tmp_path / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "CNN_DOJO_ROOT": str(tmp_path), "CNN_DOJO_DATA": str(tmp_path / "data")}
    return tmp_path, env


def _cli(env, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=timeout)


def test_list_shows_every_chapter_with_status_and_score(course):
    root, env = course
    shutil.copy(ROOT / "solutions/ch01_lenet/lenet.py", root / "exercises/ch01_lenet/lenet.py")
    shutil.copy(ROOT / "solutions/ch01_lenet/worksheet.py", root / "exercises/ch01_lenet/worksheet.py")
    shutil.copy(ROOT / "solutions/ch02_alexnet/worksheet.py", root / "exercises/ch02_alexnet/worksheet.py")
    done = _cli(env, "list")
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.startswith("ch")}
    assert list(lines) == ["ch00_formulas", "ch01_lenet", "ch02_alexnet", "ch03_zfnet", "ch04_nin", "ch05_vgg",
                           "ch06_googlenet"]
    assert "17/17" in lines["ch01_lenet"] and "done" in lines["ch01_lenet"]
    assert "6/16" in lines["ch02_alexnet"] and "in progress" in lines["ch02_alexnet"]
    assert "0/16" in lines["ch00_formulas"] and "not started" in lines["ch00_formulas"]
    assert "next: python -m grader check ch00" in done.stdout


def test_hint_reveals_one_more_level_each_time(course):
    root, env = course
    shutil.copy(ROOT / "solutions/ch02_alexnet/worksheet.py", root / "exercises/ch02_alexnet/worksheet.py")
    source = (ROOT / "solutions/ch02_alexnet/alexnet.py").read_text()
    broken = source.replace("nn.Conv2d(256, 384, kernel_size=3, padding=1)", "nn.Conv2d(256, 384, kernel_size=3)")
    assert broken != source
    (root / "exercises/ch02_alexnet/alexnet.py").write_text(broken)
    outputs = [_cli(env, "hint", "alexnet").stdout for _ in range(3)]
    assert "the 3rd weight layer" in outputs[0] and "hint 2/3" not in outputs[0]
    assert "hint 2/3: W_out = floor((W_in - K + 2P) / S) + 1 = floor((13 - 3 + 2*0) / 1) + 1 = 11" in outputs[1]
    assert "hint 3/3: padding=1 keeps 13x13" in outputs[2]
    # a different first failure starts again at level 1
    (root / "exercises/ch02_alexnet/alexnet.py").write_text(source.replace("nn.Dropout(),\n            nn.Linear(256", "nn.Linear(256", 1))
    again = _cli(env, "hint", "alexnet").stdout
    assert "Dropout" in again and "hint 2/3" not in again


def test_watch_regrades_on_save_and_stops_cleanly_on_ctrl_c(course):
    root, env = course
    process = subprocess.Popen([sys.executable, "-m", "grader", "watch", "ch01", "--interval", "0.2"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
                               start_new_session=True)
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()

    def read_until(text: str, limit: float = 120) -> str:
        deadline = time.monotonic() + limit
        while text not in "".join(chunks) and time.monotonic() < deadline:
            time.sleep(0.1)
        return "".join(chunks)

    try:
        assert "ch01_lenet: 0/17" in read_until("ch01_lenet: 0/17")
        time.sleep(0.5)
        shutil.copy(ROOT / "solutions/ch01_lenet/lenet.py", root / "exercises/ch01_lenet/lenet.py")
        assert "ch01_lenet: 10/17" in read_until("ch01_lenet: 10/17")
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == 0  # a grading in flight on a loaded 2-core machine finishes first
        assert "stopped watching" in read_until("stopped watching", 10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert "Traceback" not in "".join(chunks)
    assert (root / "exercises/ch01_lenet/lenet.py").read_text() == (ROOT / "solutions/ch01_lenet/lenet.py").read_text()
    assert Path(root / "exercises/ch01_lenet/worksheet.py").read_text().count("None  # TODO") == 7


def test_a_reader_that_stops_early_gets_no_traceback():
    """`python -m grader summary VGG16 | head -3`, with the reader gone before the table is written."""
    child = subprocess.Popen([sys.executable, "-m", "grader", "summary", "VGG16"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT)
    child.stdout.close()  # the reader stops before the first line
    errors = child.stderr.read()
    assert child.wait(timeout=300) == 141
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
