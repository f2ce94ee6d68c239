"""The student edition (``python -m grader student-edition OUT``): no reference source, no solution text, no
worksheet answers, and a grader that works from the reference pack alone. The catalogue's verdicts in the
edition are compared with the full package's in tests/test_grader_catalogue.py (it shares those gradings)."""

from __future__ import annotations

import ast
import gzip
import json
import re
from pathlib import Path

import pytest

from grader.chapters import CHAPTERS
from grader.edition import build_student_edition
from grader.worksheets import WORKSHEETS
from tests.conftest import committed, edition_python

MODEL_CLASSES = {"LeNet5", "AlexNet", "ZFNet", "NiN", "VGG", "VGG16", "Inception", "GoogLeNet", "BasicConv2d"}


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_student_edition(tmp_path_factory.mktemp("edition") / "cnn-dojo-student", root=committed())


def _texts(edition: Path) -> dict[str, str]:
    return {str(path.relative_to(edition)): path.read_text(encoding="utf-8") for path in edition.rglob("*")
            if path.is_file() and path.suffix in (".py", ".md", ".toml", ".txt", ".json", ".cfg")}


def _solution_code_lines() -> set[str]:
    """Lines of code only the reference implementations hold (not the stubs, not the notes)."""
    course = committed()
    shared = {line.strip() for path in (course / "exercises").rglob("*") if path.is_file()
              for line in path.read_text(encoding="utf-8").splitlines()}
    lines = set()
    for path in (course / "solutions").rglob("*.py"):
        if path.name.startswith(("_", "test_")) or path.name == "worksheet.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 12 and not line.startswith("#") and line not in shared and re.search(r"[=(:]", line):
                lines.add(line)
    return lines


def test_the_edition_holds_no_reference_source(edition: Path) -> None:
    texts = _texts(edition)
    assert not any(name.startswith("solutions/ch") for name in texts)
    assert sorted(name for name in texts if name.startswith("solutions/")) == ["solutions/__init__.py", "solutions/_registry.py"]
    for name, text in texts.items():
        if name.endswith(".py") and not name.startswith("exercises/"):
            defined = {node.name for node in ast.walk(ast.parse(text)) if isinstance(node, ast.ClassDef)}
            assert not defined & MODEL_CLASSES, (name, defined & MODEL_CLASSES)
    secret = _solution_code_lines()
    assert len(secret) > 100
    # chapter 0's functions are the grader's own formula library: the edition needs it for its hints
    leaks = {line: name for name, text in texts.items() if name != "grader/formulas.py"
             for line in secret if line in text}
    assert not leaks, sorted(leaks.items())[:10]


def test_the_edition_holds_no_worksheet_answer(edition: Path) -> None:
    """No solved worksheet, no answer key: the answers are derived from the pack when a worksheet is graded.
    The pack is compressed data, not text a learner reads by accident."""
    texts = _texts(edition)
    for chapter in CHAPTERS:
        solved = (committed() / "solutions" / chapter.id / "worksheet.py").read_text(encoding="utf-8")
        for node in ast.parse(solved).body:
            if isinstance(node, ast.Assign):
                line = ast.get_source_segment(solved, node)
                assert not any(line in text for text in texts.values()), line
    for blanks in WORKSHEETS.values():
        for blank in blanks:
            answer = repr(blank.answer())
            pattern = re.compile(rf"{blank.name}\W[^\n]*{re.escape(answer)}")
            assert not any(pattern.search(text) for text in texts.values()), blank.name
    pack = edition / "grader" / "reference_pack.json.gz"
    assert pack.read_bytes()[:2] == b"\x1f\x8b"  # gzip
    data = json.loads(gzip.decompress(pack.read_bytes()))
    assert set(data) == {"format", "traces", "functions"}


def test_the_edition_grades_from_the_pack_and_has_no_reference_summary(edition: Path) -> None:
    code = """
import importlib.util, json
import grader, solutions
from grader.cli import main
from grader.pipeline import grade_worksheet
from grader.reference import in_edition
print(json.dumps({"grader": grader.__file__, "solutions": solutions.__file__, "edition": in_edition(),
                  "zoo_module": importlib.util.find_spec("solutions.ch01_lenet") is not None,
                  "worksheet": grade_worksheet("ch01", "SOLVED").score}))
raise SystemExit(main(["summary", "VGG16"]))
"""
    solved = committed() / "solutions" / "ch01_lenet" / "worksheet.py"
    done = edition_python(edition, code.replace("SOLVED", str(solved)))
    answer = json.loads(done.stdout.splitlines()[0])
    assert answer["grader"].startswith(str(edition)) and answer["solutions"].startswith(str(edition))
    assert answer["edition"] is True and answer["zoo_module"] is False
    assert answer["worksheet"] == 7  # the answers, derived from the pack's traces
    assert done.returncode == 2, done.stderr
    assert "not available in the student edition" in done.stderr and "conv2d" not in done.stdout
