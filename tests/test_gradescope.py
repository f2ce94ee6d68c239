"""The Gradescope autograder bundle: ``python -m grader gradescope CHAPTER OUT.zip``, and its
``run_autograder`` run against a temporary folder standing in for Gradescope's /autograder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

LEARNERS = ROOT / "tests" / "learners"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gradescope") / "autograder-ch01.zip"
    done = subprocess.run([sys.executable, "-m", "grader", "gradescope", "ch01", str(path), "--lang", "zh-TW",
                           "--timeout", "10"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "已寫入" in done.stdout
    return path


def test_the_bundle_holds_setup_run_autograder_and_the_grader(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        setup = archive.read("setup.sh").decode()
        run = archive.read("run_autograder").decode()
        for name in ("setup.sh", "run_autograder"):
            assert archive.getinfo(name).external_attr >> 16 & 0o111, f"{name} is not executable"
    assert {"cnn-dojo/pyproject.toml", "cnn-dojo/constraints.txt", "cnn-dojo/grader/pipeline.py",
            "cnn-dojo/solutions/ch01_lenet/lenet.py"} <= names
    assert not any("__pycache__" in name or name.startswith("cnn-dojo/exercises") for name in names)
    assert '"torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu' in setup  # the CPU build
    assert "-c /autograder/source/cnn-dojo/constraints.txt /autograder/source/cnn-dojo" in setup
    assert "gradescope-run ch01_lenet --root \"$ROOT\" --lang zh-TW --timeout 10" in run


def _autograde(bundle: Path, root: Path, files: dict[str, Path]) -> dict:
    """Lay out /autograder as Gradescope does (source/ from the bundle, submission/ from the student) and
    run the bundle's run_autograder with this checkout's Python."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir(parents=True)
    for name, source in files.items():
        shutil.copy(source, root / "submission" / name)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "CNN_DOJO_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                          timeout=180, env=env, cwd=root)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_run_autograder_grades_the_submission_into_results_json(bundle, tmp_path):
    results = _autograde(bundle, tmp_path / "autograder", {
        "lenet.py": LEARNERS / "ch01_lenet" / "hardcoded_10.py",
        "worksheet.py": ROOT / "solutions" / "ch01_lenet" / "worksheet.py",
    })
    assert results["score"] == 16  # 17 but num_classes
    assert "16/17" in results["output"]
    tests = {test["name"]: test for test in results["tests"]}
    assert len(tests) == 11
    for test in tests.values():
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] == ("passed" if test["score"] == test["max_score"] else "failed")
    hidden = tests["ch01_lenet LeNet5.num_classes"]
    assert (hidden["status"], hidden["visibility"]) == ("failed", "after_published")
    assert tests["ch01_lenet LeNet5.function"]["visibility"] == "after_published"
    assert tests["ch01_lenet LeNet5.structure"]["visibility"] == "visible"
    assert "提示 3：" in hidden["output"] and "num_classes" in hidden["output"]  # zh-TW, as the bundle says


def test_an_empty_submission_scores_zero_with_the_reason(bundle, tmp_path):
    results = _autograde(bundle, tmp_path / "autograder", {})
    assert results["score"] == 0 and len(results["tests"]) == 11
    assert all("沒有可以評分的內容" in test["output"] for test in results["tests"])


def test_the_course_config_goes_with_the_bundle(tmp_path):
    """`--course course.toml`: the autograder grades with the course's points and partial-credit rule."""
    course = tmp_path / "course.toml"
    course.write_text("[points]\nstructure = 8\n\n[partial]\nenabled = false\n", encoding="utf-8")
    path = tmp_path / "autograder-ch01.zip"
    done = subprocess.run([sys.executable, "-m", "grader", "gradescope", "ch01", str(path), "--timeout", "10",
                           "--course", str(course)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(path) as archive:
        assert archive.read("course.toml").decode() == course.read_text()
        assert '--course "$ROOT/source/course.toml"' in archive.read("run_autograder").decode()
    results = _autograde(path, tmp_path / "autograder", {
        "lenet.py": LEARNERS / "ch01_lenet" / "tanh.py",
        "worksheet.py": ROOT / "solutions" / "ch01_lenet" / "worksheet.py",
    })
    tests = {test["name"]: test for test in results["tests"]}
    assert tests["ch01_lenet LeNet5.structure"]["max_score"] == 8 and tests["ch01_lenet LeNet5.structure"]["score"] == 0
    assert results["score"] == 7 + 2 + 1  # the worksheet, params and num_classes; structure and function earn nothing


def test_a_course_config_with_a_mistake_builds_no_bundle(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text("[partial]\nmin_penalty = 2\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "grader", "gradescope", "ch01", str(tmp_path / "out.zip"),
                           "--course", str(course)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "min_penalty must be between 0 and 1" in done.stderr
    assert not (tmp_path / "out.zip").exists()
