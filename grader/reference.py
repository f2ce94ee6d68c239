"""The reference zoo as data: every reference model traced once, kept in a cache file.

The traces are made in the grader's isolated child (the only process that imports torch) and saved as
JSON under the cache folder, keyed by a hash of everything that makes them: the zoo's sources, the
tracer, and torch's version. The parent (the command line, the app, the notebooks) reads them without
torch; a change to any solution file makes a new key, and the next grading traces them again (about a
second).

    for_spec(spec)   a chapter model's reference (LeNet5, Inception 3a, make_vgg(vgg11), ...)
    for_model(name)  a zoo model's reference, with its default classes (the worksheets, the zoo page)
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from grader.chapters import CHAPTERS, ModelSpec
from grader.protocol import OpRow, Rows

__all__ = ["Reference", "for_spec", "for_model", "cache_dir", "spec_key"]

_GRADER = Path(__file__).resolve().parent
_SOURCES = ("trace.py", "protocol.py", "formulas.py", "probe.py")  # what a trace depends on, in grader/


@dataclass(frozen=True)
class Reference(Rows):
    """One reference model's trace: its rows (shapes, hyperparameters, parameters, MACs), totals, output."""

    name: str
    rows: tuple[OpRow, ...]
    total_params: int
    output_shape: tuple[int, ...]


def cache_dir() -> Path:
    """Where cnn-dojo keeps what it can compute again: $CNN_DOJO_CACHE, else $XDG_CACHE_HOME/cnn-dojo."""
    if os.environ.get("CNN_DOJO_CACHE"):
        return Path(os.environ["CNN_DOJO_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cnn-dojo"


def spec_key(spec: ModelSpec) -> str:
    return f"{spec.reference}{spec.args!r}{sorted(spec.kwargs.items())!r}{spec.input_shape!r}"


def _specs() -> dict[str, ModelSpec]:
    return {spec_key(spec): spec for chapter in CHAPTERS for spec in chapter.specs(bonus=True)}


def _zoo() -> list[str]:
    import solutions

    return solutions.list_models()


def _fingerprint() -> str:
    """A hash of every file a reference trace depends on."""
    import solutions

    digest = hashlib.sha256()
    zoo = Path(solutions.__file__).resolve().parent
    files = sorted(path for path in zoo.rglob("*.py") if "__pycache__" not in path.parts)
    for path in [*files, *(_GRADER / name for name in _SOURCES)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    try:
        digest.update(importlib.metadata.version("torch").encode())
    except importlib.metadata.PackageNotFoundError:
        pass
    digest.update(repr(sorted(_specs())).encode())
    return digest.hexdigest()[:20]


class _Store:
    """The references of this version of the zoo: read from the cache file, or traced once and saved."""

    @cached_property
    def references(self) -> dict[str, Reference]:
        path = cache_dir() / f"references-{_fingerprint()}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = self._trace()
            self._save(path, data)
        return {key: Reference(key, tuple(OpRow.from_dict(row) for row in entry["rows"]), entry["total_params"],
                               tuple(entry["output_shape"])) for key, entry in data.items()}

    @staticmethod
    def _trace() -> dict[str, dict]:
        from grader.isolate import DEFAULT_MEMORY_MB, run_isolated

        outcome = run_isolated("grader.probe:trace_references", _specs(), _zoo(), timeout=300, memory_mb=DEFAULT_MEMORY_MB)
        if outcome.status != "ok":  # the zoo itself failed: a bug in cnn-dojo, never the learner's doing
            raise RuntimeError(f"internal error: tracing the reference zoo ended with {outcome.status}\n{outcome.output}")
        return {key: {"rows": [row.to_dict() for row in rows], "total_params": total, "output_shape": list(shape)}
                for key, (rows, total, shape) in outcome.value.items()}

    @staticmethod
    def _save(path: Path, data: dict[str, dict]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".references-")
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file)
            os.replace(tmp, path)  # readers never see half a file
        except OSError:
            pass  # a read-only home: trace again next time


_store = _Store()


def for_spec(spec: ModelSpec) -> Reference:
    return _store.references[spec_key(spec)]


def for_model(name: str) -> Reference:
    import solutions

    return _store.references[solutions.get_model_info(name).name]
