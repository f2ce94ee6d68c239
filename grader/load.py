"""Import a learner's file by path and find a class in it; every failure becomes an ``ErrorInfo`` (its
kind, the learner's line, the exception's own words), which the parent turns into a message."""

from __future__ import annotations

import difflib
import importlib.util
import sys
import traceback
import uuid
from pathlib import Path
from types import ModuleType

from grader.protocol import ErrorInfo

__all__ = ["LoadError", "SignatureError", "import_path", "load_class", "closest_name", "error_info", "missing"]


class LoadError(Exception):
    """The file could not be imported or lacks the class; ``info`` says why and where."""

    def __init__(self, message: str, info: ErrorInfo) -> None:
        super().__init__(message)
        self.info = info


class SignatureError(TypeError):
    """The learner's class cannot be called with the exercise's arguments (its ``__init__`` takes others: a
    signature from another book). ``line`` and ``source``: its ``def __init__`` line."""

    def __init__(self, message: str, line: int | None = None, source: str = "") -> None:
        super().__init__(message)
        self.line, self.source = line, source


def _learner_frame(error: BaseException, path: str) -> tuple[int | None, str]:
    """The deepest line of the learner's file in the traceback, and its source text."""
    line, text = None, ""
    resolved = str(Path(path).resolve())
    for frame in traceback.extract_tb(error.__traceback__):
        if str(Path(frame.filename).resolve()) == resolved:
            line, text = frame.lineno, (frame.line or "").strip()
    return line, text


def _kind(error: BaseException) -> str:
    if isinstance(error, NotImplementedError):
        frames = traceback.extract_tb(error.__traceback__)
        # nn.Module's own placeholder: the class has no forward (misspelled, or indented into __init__)
        if frames and frames[-1].name == "_forward_unimplemented":
            return "no_forward"
        return "not_implemented"
    if isinstance(error, MemoryError) or "can't allocate memory" in str(error):
        return "memory"
    if isinstance(error, ImportError):
        return "import"
    return "error"


_GRADER = Path(__file__).resolve().parent
# where the grader calls torch (or a learner's method) for the learner: an exception raised in these frames is
# torch's answer to the learner's call, not a failure of the grader
_CALLS_FOR_THE_LEARNER = {"_run", "__torch_function__"}


def _internal(error: BaseException) -> str | None:
    """Where in the grader's own code ``error`` was raised ("grader/trace.py:212"), when it was: a bug in
    cnn-dojo, never reported as an error in the learner's file."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames or isinstance(error, (MemoryError, RecursionError)):
        return None
    last = frames[-1]
    file = Path(last.filename).resolve()
    if file.parent != _GRADER or last.name in _CALLS_FOR_THE_LEARNER:
        return None
    return f"grader/{file.name}:{last.lineno}"


def error_info(error: BaseException, path: str, stage: str, kind: str | None = None) -> ErrorInfo:
    """What the parent needs to explain ``error``, raised by the learner's code at ``stage``."""
    line, text = _learner_frame(error, path)
    detail = (str(error).strip() or type(error).__name__)[:2000]
    if isinstance(error, SignatureError):  # raised by the grader's call, about the learner's def __init__
        return ErrorInfo("signature", "TypeError", detail, error.line, error.source, stage)
    if kind is None and (where := _internal(error)) is not None:
        return ErrorInfo("internal", type(error).__name__, f"{detail} ({where})", line, text, stage)
    if kind is None:
        kind = _kind(error)
        if kind == "error" and stage == "import":
            kind = "import"
    return ErrorInfo(kind, type(error).__name__, detail, line, text, stage)


def import_path(path: str | Path) -> ModuleType:
    """Import a .py file under a fresh module name (a second import sees the file's new contents)."""
    file = Path(path)
    if not file.is_file():
        raise LoadError(f"{file}: no such file", ErrorInfo("import", "FileNotFoundError", "no such file", stage="import"))
    name = f"_learner_{file.stem}_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise LoadError(f"{file}: cannot be imported as Python",
                        ErrorInfo("import", "ImportError", "cannot be imported as Python", stage="import"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        sys.modules.pop(name, None)
        info = ErrorInfo("syntax", "SyntaxError", error.msg, error.lineno, (error.text or "").strip(), "import")
        raise LoadError(f"{file}:{error.lineno}: syntax error: {error.msg}", info) from None
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def closest_name(name: str, candidates: list[str]) -> str | None:
    lowered = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.4)
    return lowered[match[0]] if match else None


def missing(module: ModuleType, name: str, classes: bool = True) -> ErrorInfo:
    """``name`` is not in the learner's module: the closest name it defines, as a suggestion."""
    found = [n for n, v in vars(module).items() if not n.startswith("_") and (isinstance(v, type) or not classes)]
    return ErrorInfo("missing_class", detail=f"no {'class' if classes else 'function'} named {name}",
                     stage="import", suggestion=closest_name(name, found))


def load_class(path: str | Path, class_name: str) -> type:
    module = import_path(path)
    cls = getattr(module, class_name, None)
    if cls is None:
        info = missing(module, class_name)
        hint = f"; did you mean {info.suggestion}?" if info.suggestion else ""
        raise LoadError(f"{path}: no class named {class_name}{hint}", info)
    return cls
