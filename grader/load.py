"""Import a learner's file by path and find a class in it, with errors a learner can act on."""

from __future__ import annotations

import difflib
import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType

__all__ = ["LoadError", "import_path", "load_class", "closest_name"]


class LoadError(Exception):
    """The file could not be imported or lacks the class; ``kind`` says which, ``line`` where."""

    def __init__(self, message: str, kind: str, path: str, line: int | None = None, suggestion: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.path = path
        self.line = line
        self.suggestion = suggestion


def import_path(path: str | Path) -> ModuleType:
    """Import a .py file under a fresh module name (a second import sees the file's new contents)."""
    file = Path(path)
    if not file.is_file():
        raise LoadError(f"{file}: no such file", kind="import", path=str(file))
    name = f"_learner_{file.stem}_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise LoadError(f"{file}: cannot be imported as Python", kind="import", path=str(file))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        sys.modules.pop(name, None)
        raise LoadError(
            f"{file}:{error.lineno}: syntax error: {error.msg}", kind="syntax", path=str(file), line=error.lineno
        ) from None
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def closest_name(name: str, candidates: list[str]) -> str | None:
    lowered = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.4)
    return lowered[match[0]] if match else None


def load_class(path: str | Path, class_name: str) -> type:
    module = import_path(path)
    cls = getattr(module, class_name, None)
    if cls is None:
        classes = [n for n, v in vars(module).items() if isinstance(v, type) and not n.startswith("_")]
        suggestion = closest_name(class_name, classes)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        raise LoadError(f"{path}: no class named {class_name}{hint}", kind="missing_class", path=str(path),
                        suggestion=suggestion)
    return cls
