"""The reference zoo as data: every reference model traced once, and the reference's side of each function
check computed once, kept in cache files.

Both are made in the grader's isolated child (the only process that imports torch), never beside learner
code, and saved as JSON under the cache folder, keyed by a hash of everything that makes them: the zoo's
sources, the tracer, the function check, and torch's version. The parent (the command line, the app, the
notebooks) reads them without torch; a change to any solution file makes a new key, and the next grading
makes them again (a second for the traces; the function checks' references a few seconds, one chapter at a
time, when first needed).

The student edition (``python -m grader student-edition``) has no reference source: it ships the same data
as one file, ``grader/reference_pack.json.gz`` (the reference pack), and reads everything from it.

    for_spec(spec)       a chapter model's reference (LeNet5, Inception 3a, make_vgg(vgg11), ...)
    for_model(name)      a zoo model's reference, with its default classes (the worksheets, the zoo page)
    functions(specs)     the reference's side of these models' function checks (FunctionReference)
    write_pack(path)     the reference pack of this zoo (what the student edition ships)
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from grader.chapters import CHAPTERS, ModelSpec
from grader.protocol import FunctionReference, OpRow, Rows

__all__ = ["Reference", "for_spec", "for_model", "functions", "cache_dir", "spec_key", "PACK", "in_edition",
           "write_pack", "read_pack"]

_GRADER = Path(__file__).resolve().parent
_SOURCES = ("trace.py", "protocol.py", "formulas.py", "probe.py")  # what a trace depends on, in grader/
PACK = _GRADER / "reference_pack.json.gz"  # only in the student edition


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


def in_edition() -> bool:
    """Whether this is the student edition: the grader reads the reference pack, there is no reference source."""
    return PACK.is_file()


def read_pack(path: Path = PACK) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return json.load(file)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(data, file)
        os.replace(tmp, path)  # readers never see half a file
    except OSError:
        pass  # a read-only home: make them again next time


class _Store:
    """The references of this version of the zoo: read from the pack (the student edition) or the cache
    file, or made once and saved."""

    @cached_property
    def pack(self) -> dict[str, Any] | None:
        return read_pack() if in_edition() else None

    @cached_property
    def fingerprint(self) -> str:
        return _fingerprint()

    @cached_property
    def traces(self) -> dict[str, Any]:
        if self.pack is not None:
            return self.pack["traces"]
        path = cache_dir() / f"references-{self.fingerprint}.json"
        data = _read(path)
        if data is None:
            data = self._trace()
            _save(path, data)
        return data

    @cached_property
    def references(self) -> dict[str, Reference]:
        return {key: Reference(key, tuple(OpRow.from_dict(row) for row in entry["rows"]), entry["total_params"],
                               tuple(entry["output_shape"])) for key, entry in self.traces.items()}

    @staticmethod
    def _trace() -> dict[str, dict]:
        from grader.isolate import DEFAULT_MEMORY_MB, run_isolated

        outcome = run_isolated("grader.probe:trace_references", _specs(), _zoo(), timeout=300, memory_mb=DEFAULT_MEMORY_MB)
        if outcome.status != "ok":  # the zoo itself failed: a bug in cnn-dojo, never the learner's doing
            raise RuntimeError(f"internal error: tracing the reference zoo ended with {outcome.status}\n{outcome.output}")
        return {key: {"rows": [row.to_dict() for row in rows], "total_params": total, "output_shape": list(shape)}
                for key, (rows, total, shape) in outcome.value.items()}

    @cached_property
    def known(self) -> dict[str, FunctionReference]:
        """The function checks' reference sides read so far in this process, by spec key."""
        return {}

    def functions(self, specs: list[ModelSpec]) -> dict[str, FunctionReference]:
        """The reference's side of each spec's function check, by spec key; made (in one child) when missing."""
        keys = {spec_key(spec): spec for spec in specs}
        if all(key in self.known for key in keys):
            return {key: self.known[key] for key in keys}
        if self.pack is not None:
            self.known.update({key: FunctionReference.from_dict(self.pack["functions"][key]) for key in keys})
            return {key: self.known[key] for key in keys}
        path = cache_dir() / f"functions-{self.fingerprint}.json"
        data = _read(path) or {}
        missing = {key: (spec, for_spec(spec).rows) for key, spec in keys.items() if key not in data}
        if missing:
            from grader.isolate import DEFAULT_MEMORY_MB, run_isolated

            outcome = run_isolated("grader.probe:function_references", missing, timeout=300, memory_mb=DEFAULT_MEMORY_MB)
            if outcome.status != "ok":
                raise RuntimeError(f"internal error: running the reference zoo ended with {outcome.status}\n{outcome.output}")
            data = {**(_read(path) or {}), **{key: value.to_dict() for key, value in outcome.value.items()}}
            _save(path, data)
        self.known.update({key: FunctionReference.from_dict(data[key]) for key in keys})
        return {key: self.known[key] for key in keys}


_store = _Store()


def for_spec(spec: ModelSpec) -> Reference:
    return _store.references[spec_key(spec)]


def for_model(name: str) -> Reference:
    import solutions

    return _store.references[solutions.get_model_info(name).name]


def functions(specs: list[ModelSpec]) -> dict[str, FunctionReference]:
    """The reference's side of these models' function checks, by label."""
    found = _store.functions(specs)
    return {spec.label: found[spec_key(spec)] for spec in specs}


def function_specs() -> list[ModelSpec]:
    """Every chapter model that has a function check."""
    return [spec for chapter in CHAPTERS for spec in chapter.specs(bonus=True) if "function" in spec.checks]


def write_pack(path: Path) -> Path:
    """The reference pack: every trace and every function check's reference side, as one compressed file."""
    data = {"format": 1, "traces": _store.traces,
            "functions": {key: value.to_dict() for key, value in _store.functions(function_specs()).items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as file:
        json.dump(data, file, separators=(",", ":"))
    return path
