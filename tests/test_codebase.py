"""The project's own rules about its code (DEVELOPERS.md, STYLE.md), checked on the source as text and syntax."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules(folder: str) -> list[Path]:
    return sorted(path for path in (ROOT / folder).rglob("*.py") if "__pycache__" not in path.parts)


def _imported(path: Path) -> set[str]:
    """The top-level package of every import in a file, wherever the import stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _catches_base_exception(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:  # a bare except catches BaseException too
        return True
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(name, ast.Name) and name.id == "BaseException" for name in names)


@pytest.mark.parametrize("path", _modules("grader"), ids=lambda path: str(path.relative_to(ROOT)))
def test_a_grader_module_catches_base_exception_at_most_once(path: Path) -> None:
    # Catching everything (Ctrl-C, SystemExit) is done in one place per module, on purpose, with a reason.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.ExceptHandler) and _catches_base_exception(node)]
    assert len(lines) <= 1, f"{path.name} catches BaseException on lines {lines}"


def test_the_tracer_stays_short() -> None:
    # One rule table for every op (issue 9): the tracer grew to 1.3k lines with three copies of each layer.
    lines = (ROOT / "grader" / "trace.py").read_text(encoding="utf-8").count("\n")
    assert lines < 700, f"grader/trace.py has {lines} lines"


@pytest.mark.parametrize("path", _modules("grader"), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_grader_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in _imported(path)


# The chapters' pytest files (test_*.py) mirror exercises/ and call the grader: they are not the reference zoo.
@pytest.mark.parametrize("path", [path for path in _modules("solutions") if not path.name.startswith("test_")],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_the_solutions_never_import_the_grader(path: Path) -> None:
    assert "grader" not in _imported(path)
