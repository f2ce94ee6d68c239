"""What runs inside the isolated child: load the learner's file, build, trace, rebuild, run.

Everything here touches learner code; the parent (``grader.pipeline``) only reads the plain-data
answer and decides. Keep answers JSON-friendly: dicts, lists, strings, numbers.
"""

from __future__ import annotations

import importlib
import math
import os
import random
import resource
import traceback
from pathlib import Path
from typing import Any

import torch
from torch import nn

from grader.chapters import Chapter, ModelSpec, get_chapter
from grader.compare import canonical_branches, rows_from_dicts
from grader.load import LoadError, closest_name, import_path
from grader.trace import OpRow, trace

__all__ = ["probe_chapter", "probe_worksheet", "reference_class", "FUNCTION_SEED", "OTHER_NUM_CLASSES"]

OTHER_NUM_CLASSES = 7  # the num_classes check builds the model again with this
FUNCTION_SEED = 0


def reference_class(spec: ModelSpec) -> Any:
    module, _, name = spec.reference.partition(":")
    return getattr(importlib.import_module(module), name)


def _learner_frame(error: BaseException, path: str) -> tuple[int | None, str]:
    """The deepest line of the learner's file in the traceback, and its source text."""
    line, text = None, ""
    resolved = str(Path(path).resolve())
    for frame in traceback.extract_tb(error.__traceback__):
        if str(Path(frame.filename).resolve()) == resolved:
            line, text = frame.lineno, (frame.line or "").strip()
    return line, text


def _error(kind: str, error: BaseException, path: str, **extra: Any) -> dict[str, Any]:
    line, text = _learner_frame(error, path)
    message = str(error).strip() or type(error).__name__
    return {"ok": False, "kind": kind, "exc_type": type(error).__name__, "message": message[:2000],
            "line": line, "source": text, **extra}


def _classify(error: BaseException) -> str:
    if isinstance(error, NotImplementedError):
        return "not_implemented"
    if isinstance(error, MemoryError) or "can't allocate memory" in str(error):
        return "memory"
    return "error"


def _rows(result_rows: list[OpRow]) -> list[dict[str, Any]]:
    return [row.to_dict() for row in result_rows]


def _build(cls: type, spec: ModelSpec, device: str, num_classes: int | None = None) -> nn.Module:
    kwargs = dict(spec.kwargs)
    if num_classes is not None:
        kwargs["num_classes"] = num_classes
    torch.manual_seed(0)
    with torch.device(device):
        model = cls(*spec.args, **kwargs)
    torch.set_default_dtype(torch.float32)  # a learner's set_default_dtype(float64) must not leak into grading
    if not isinstance(model, nn.Module):
        raise TypeError(f"{spec.class_name}(...) returned a {type(model).__name__}, not an nn.Module")
    return model.float()


def _trace_model(cls: type, spec: ModelSpec, path: str, num_classes: int | None = None) -> tuple[nn.Module | None, dict[str, Any]]:
    """Build on the meta device and trace; if the meta run fails, try a real CPU run for torch's usual
    error message (and for learner code that needs real values)."""
    try:
        model = _build(cls, spec, "meta", num_classes)
    except BaseException as error:  # noqa: BLE001 - learner code may raise anything
        if isinstance(error, SystemExit):
            raise
        return None, _error("not_module" if "not an nn.Module" in str(error) else _classify(error), error, path, stage="build")
    try:
        result = trace(model, spec.input_shape)
        return model, {"ok": True, "device": "meta", **result.to_dict()}
    except BaseException as error:  # noqa: BLE001
        if isinstance(error, SystemExit):
            raise
        meta_error = error
    try:
        cpu_model = _build(cls, spec, "cpu", num_classes)
        result = trace(cpu_model, spec.input_shape)
        return cpu_model, {"ok": True, "device": "cpu", **result.to_dict()}
    except BaseException as error:  # noqa: BLE001
        if isinstance(error, SystemExit):
            raise
        partial = getattr(error, "partial_rows", None) or getattr(meta_error, "partial_rows", None) or []
        return None, _error(_classify(error), error, path, stage="forward", rows=_rows(partial))


def _use_order(model: nn.Module, rows: list[dict[str, Any]]) -> list[tuple[str, nn.Parameter]]:
    return [(name, model.get_parameter(name)) for row in rows for name in row["param_names"]]


_BLOCK = 4_194_301  # a prime, so rows of a weight matrix start at different places in the block


def _tiled(block: torch.Tensor, offset: int, shape: torch.Size, scale: float) -> torch.Tensor:
    """``scale`` times the block, read from ``offset`` on and wrapping around, in the given shape."""
    numel = math.prod(shape)
    out = torch.empty(numel)
    filled = 0
    while filled < numel:
        take = min(numel - filled, _BLOCK - offset)
        torch.mul(block[offset:offset + take], scale, out=out[filled:filled + take])
        filled, offset = filled + take, 0
    return out.view(shape)


def _function_check(cls: type, spec: ModelSpec, path: str, learner_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Give the learner's model the reference's weights, matched in the order the forward pass uses
    them, and compare outputs in eval mode on the same input."""
    reference = _build(reference_class(spec), spec, "meta")
    reference_trace = trace(reference, spec.input_shape)
    reference_rows = reference_trace.to_dict()["rows"]
    # parameters in use order, with parallel branches in the reference's order (see canonical_branches)
    learner_rows = [row.to_dict() for row in canonical_branches(rows_from_dicts(learner_rows), reference_trace.rows)]
    learner = _build(cls, spec, "meta")
    ref_params, learner_params = _use_order(reference, reference_rows), _use_order(learner, learner_rows)
    ref_shapes = [tuple(p.shape) for _, p in ref_params]
    learner_shapes = [tuple(p.shape) for _, p in learner_params]
    if ref_shapes != learner_shapes:
        return {"ran": False, "reason": "parameters", "ref_shapes": ref_shapes[:50], "learner_shapes": learner_shapes[:50]}
    if any(buffer.is_meta for buffer in learner.buffers()):
        learner = _build(cls, spec, "cpu")  # buffers have values that meta tensors cannot hold
        learner_params = _use_order(learner, learner_rows)
    generator = torch.Generator().manual_seed(FUNCTION_SEED)
    # One block of random numbers, of prime length, tiled into every parameter from a running offset:
    # as random-looking as fresh numbers for this purpose (no two filters or rows alike) but a memory
    # copy instead of 138M draws from the generator (0.1 s instead of 1.2 s for VGG16).
    block = torch.rand(_BLOCK, generator=generator).mul_(2).sub_(1)
    offset = 0
    for (ref_name, ref_param), (learner_name, _) in zip(ref_params, learner_params, strict=True):
        # He-uniform scale keeps activations in range through deep ReLU stacks; one tensor, shared
        fan_in = math.prod(ref_param.shape[1:]) if ref_param.dim() > 1 else ref_param.shape[0]
        bound = math.sqrt(6.0 / fan_in) if ref_param.dim() > 1 else 0.1
        shared = nn.Parameter(_tiled(block, offset, ref_param.shape, bound), requires_grad=False)
        offset = (offset + ref_param.numel()) % _BLOCK
        for model, name in ((reference, ref_name), (learner, learner_name)):
            owner, _, attr = name.rpartition(".")
            model.get_submodule(owner)._parameters[attr] = shared
    x = torch.randn((2, *spec.input_shape), generator=generator)
    reference.eval()
    learner.eval()
    with torch.no_grad():
        expected = reference(x)
        actual = learner(x.clone())
    if not isinstance(actual, torch.Tensor):
        return {"ran": True, "ok": False, "reason": "not_tensor", "type": type(actual).__name__}
    if actual.shape != expected.shape:
        return {"ran": True, "ok": False, "reason": "shape", "shape": list(actual.shape)}
    actual = actual.to(expected.dtype)
    difference = float((actual - expected).abs().max())
    scale = float(expected.abs().max())
    ok = difference <= 1e-4 * scale + 1e-6
    result: dict[str, Any] = {"ran": True, "ok": ok, "max_abs_diff": difference, "scale": scale}
    if not ok and actual.dim() == 2:  # class scores that sum to 1: a softmax at the end
        result["probabilities"] = bool(torch.allclose(actual.sum(dim=1), torch.ones(actual.shape[0]), atol=1e-4))
    return result


# -- chapter 0: the learner's formula functions against ours -------------------------------------------
def _formula_cases(rng: random.Random, hidden: int) -> dict[str, list[tuple[Any, ...]]]:
    from grader import formulas as f

    cases: dict[str, list[tuple[Any, ...]]] = {
        "conv_output_size": [(224, 11, 4, 2), (55, 5, 1, 2), (13, 3, 1, 1), (32, 5, 1, 0), (224, 7, 2, 3), (28, 3, 1, 0)],
        "pool_output_size": [(55, 3, 2, 0), (28, 2, 2, 0), (112, 3, 2, 1), (13, 3, 2, 0), (7, 7, 1, 0)],
        "conv_params": [(1, 6, 5), (3, 96, 11), (512, 512, 3), (192, 64, 1), (3, 64, 7)],
        "linear_params": [(400, 120), (9216, 4096), (4096, 1000), (84, 10)],
        "receptive_field": [([(3, 1), (3, 1)],), ([(3, 1)] * 3,), ([(11, 4), (3, 2), (5, 1)],), ([(7, 2), (3, 2)],)],
    }
    for _ in range(hidden):
        size, kernel, stride = rng.randint(5, 300), rng.randint(1, 11), rng.randint(1, 4)
        padding = rng.randint(0, kernel // 2)
        if kernel <= size + 2 * padding:
            cases["conv_output_size"].append((size, kernel, stride, padding))
            cases["pool_output_size"].append((size, kernel, stride, padding))
        cases["conv_params"].append((rng.randint(1, 512), rng.randint(1, 512), rng.choice([1, 3, 5, 7, 11])))
        cases["linear_params"].append((rng.randint(1, 10000), rng.randint(1, 5000)))
        cases["receptive_field"].append(([(rng.choice([1, 3, 5, 7]), rng.randint(1, 2)) for _ in range(rng.randint(1, 5))],))
    expected = {
        "conv_output_size": lambda s, k, st, p: f.conv_output_size(s, k, st, p),
        "pool_output_size": lambda s, k, st, p: f.pool_output_size(s, k, st, p),
        "conv_params": f.conv_params,
        "linear_params": f.linear_params,
        "receptive_field": f.receptive_field,
    }
    return {name: [(*args, expected[name](*args)) for args in items] for name, items in cases.items()}


def _probe_formulas(module: Any, path: str, hidden: int, seed: int | None) -> dict[str, Any]:
    rng = random.Random(seed)
    functions: dict[str, Any] = {}
    for name, cases in _formula_cases(rng, hidden).items():
        function = getattr(module, name, None)
        if function is None:
            functions[name] = {"ok": False, "kind": "missing_class", "message": f"no function named {name}",
                               "suggestion": closest_name(name, [n for n in vars(module) if not n.startswith("_")])}
            continue
        entry: dict[str, Any] = {"ok": True, "cases": len(cases)}
        for *args, want in cases:
            try:
                got = function(*args)
            except BaseException as error:  # noqa: BLE001
                if isinstance(error, SystemExit):
                    raise
                entry = _error(_classify(error), error, path, args=repr(args), expected=want)
                break
            if got != want:
                entry = {"ok": False, "kind": "formula", "args": repr(tuple(args)), "expected": want, "got": repr(got)}
                break
        functions[name] = entry
    return {"functions": functions}


def _threads() -> int:
    """All cores on an idle machine; one on a busy one, where OpenMP's spinning threads make small
    tensor ops ten times slower (GoogLeNet's check: 12 s with two threads at load 5, 1.2 s with one)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return cores
    return cores if load < cores - 0.5 else 1


def probe_chapter(chapter_id: str, path: str, hidden_cases: int = 50, seed: int | None = None,
                  bonus: bool = False) -> dict[str, Any]:
    """Load ``path`` and probe every model of the chapter. Runs in the isolated child."""
    chapter: Chapter = get_chapter(chapter_id)
    torch.set_num_threads(_threads())
    try:
        module = import_path(path)
    except LoadError as error:
        return {"load": {"ok": False, "kind": error.kind, "message": str(error), "line": error.line}}
    except BaseException as error:  # noqa: BLE001
        if isinstance(error, SystemExit):
            raise
        kind = "import" if isinstance(error, ImportError) else _classify(error)
        return {"load": _error(kind, error, path, stage="import")}
    torch.set_default_dtype(torch.float32)
    answer: dict[str, Any] = {"load": {"ok": True}, "models": {}}
    if not chapter.models:
        answer.update(_probe_formulas(module, path, hidden_cases, seed))
        return answer
    for spec in chapter.models + (chapter.bonus if bonus else ()):
        answer["models"][spec.label] = _probe_model(module, spec, path)
    answer["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # for the benchmarks
    return answer


def _probe_model(module: Any, spec: ModelSpec, path: str) -> dict[str, Any]:
    cls = getattr(module, spec.class_name, None)
    if cls is None:
        classes = [n for n, v in vars(module).items() if isinstance(v, type) and not n.startswith("_")]
        return {"load": {"ok": False, "kind": "missing_class", "suggestion": closest_name(spec.class_name, classes),
                         "classes": classes}}
    is_module_class = isinstance(cls, type) and issubclass(cls, nn.Module)
    is_builder = spec.bonus and callable(cls) and not isinstance(cls, type)  # make_vgg(cfg) returns a module
    if not (is_module_class or is_builder):
        return {"load": {"ok": False, "kind": "not_module", "type": type(cls).__name__}}
    answer: dict[str, Any] = {"load": {"ok": True}}
    _, answer["trace"] = _trace_model(cls, spec, path)
    if spec.num_classes is not None:
        _, other = _trace_model(cls, spec, path, num_classes=OTHER_NUM_CLASSES)
        answer["num_classes"] = {"ok": other.get("ok", False), "asked": OTHER_NUM_CLASSES,
                                 "output_shape": other.get("output_shape"), "error": None if other.get("ok") else other}
    if answer["trace"].get("ok") and "function" in spec.checks:
        try:
            answer["function"] = _function_check(cls, spec, path, answer["trace"]["rows"])
        except BaseException as error:  # noqa: BLE001
            if isinstance(error, SystemExit):
                raise
            answer["function"] = {"ran": True, **_error(_classify(error), error, path, stage="function")}
    return answer


def _plain(value: Any) -> Any:
    """A learner's blank as plain data: numbers, tuples of numbers, None; anything else as its repr."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value] if isinstance(value, list) else tuple(_plain(v) for v in value)
    if isinstance(value, torch.Size):
        return tuple(int(v) for v in value)
    return repr(value)[:200]


def probe_worksheet(path: str, names: list[str]) -> dict[str, Any]:
    """Import the learner's worksheet and read its blanks. Runs in the isolated child."""
    try:
        module = import_path(path)
    except LoadError as error:
        return {"load": {"ok": False, "kind": error.kind, "message": str(error), "line": error.line}}
    except BaseException as error:  # noqa: BLE001
        if isinstance(error, SystemExit):
            raise
        kind = "import" if isinstance(error, ImportError) else _classify(error)
        return {"load": _error(kind, error, path, stage="import")}
    missing = object()
    values = {name: getattr(module, name, missing) for name in names}
    return {"load": {"ok": True}, "values": {n: _plain(v) for n, v in values.items() if v is not missing},
            "missing": [n for n, v in values.items() if v is missing]}
