"""What runs inside the isolated child: load the learner's file, then two stages with their own budgets.

    stage 1  build every model on the meta device and trace it (no weights, no arithmetic), build it again
             with another num_classes                                         -> ChapterProbe
    stage 2  one model at a time: materialise the reference's weights in the learner's model, layer by
             layer as far as its shapes take them, run it on the check's batch and compare with what
             the reference computed (a FunctionReference, made once without learner code: the
             reference's source is never needed here)                          -> FunctionResult

Each stage's result goes to the parent as soon as it is known (``grader.isolate.send_stage``), so a
model that is merely slow or big still gets its structure verdict. Everything here touches learner code;
the parent (``grader.pipeline``) reads the typed answers (``grader.protocol``) and decides.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import math
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from grader import formulas
from grader.chapters import FORMULA_FUNCTIONS, Chapter, ModelSpec, get_chapter
from grader.compare import activation_bytes, canonical, unregistered
from grader.isolate import send_stage, threads
from grader.load import LoadError, SignatureError, error_info, import_path, missing
from grader.protocol import (
    BATCH,
    ChapterProbe,
    ErrorInfo,
    FormulaResult,
    FunctionReference,
    FunctionResult,
    NumClassesResult,
    OpRow,
    StructureProbe,
    TraceResult,
    WorksheetProbe,
)
from grader.trace import trace

__all__ = ["probe_chapter", "probe_worksheet", "trace_references", "reference_class", "function_reference",
           "function_references", "FUNCTION_SEED", "OTHER_NUM_CLASSES"]

OTHER_NUM_CLASSES = 7  # the num_classes check builds the model again with this
COSTLY = 20  # a model needing this many times the reference's multiply-accumulates is not run
FUNCTION_SEED = 0
T = TypeVar("T")


def reference_class(spec: ModelSpec) -> Any:
    module, _, name = spec.reference.partition(":")
    return getattr(importlib.import_module(module), name)


def _attempt(action: Callable[[], T], path: str, stage: str,
             partial: list[OpRow] | None = None) -> tuple[T | None, ErrorInfo | None]:
    """Run learner code: its result, or what it raised. ``sys.exit`` is left to the isolated child, which
    reports it as an exit; anything else the learner's code may raise becomes an ErrorInfo. ``partial``
    receives the rows a trace recorded before the error (trace() attaches them to the exception)."""
    try:
        return action(), None
    except SystemExit:
        raise
    except LoadError as error:  # the file itself: a syntax error, or no such file
        return None, error.info
    except BaseException as error:  # noqa: BLE001 - learner code may raise anything
        if partial is not None:
            partial[:] = getattr(error, "partial_rows", None) or partial
        return None, error_info(error, path, stage)


def _build(cls: Any, spec: ModelSpec, device: str, num_classes: int | None = None) -> nn.Module:
    kwargs = dict(spec.kwargs)
    if num_classes is not None:
        kwargs["num_classes"] = num_classes
    kwargs = _arguments(cls, spec, kwargs, asked=num_classes is not None)
    torch.manual_seed(0)
    with torch.device(device):
        model = cls(*spec.args, **kwargs)
    torch.set_default_dtype(torch.float32)  # a learner's set_default_dtype(float64) must not leak into grading
    if not isinstance(model, nn.Module):
        raise TypeError(f"{spec.class_name}(...) returned a {type(model).__name__}, not an nn.Module")
    return model.float()


def _arguments(cls: Any, spec: ModelSpec, kwargs: dict[str, Any], asked: bool) -> dict[str, Any]:
    """The keyword arguments to build the class with. Raises SignatureError when it cannot take the exercise's
    arguments: its own mistake, not an error inside the grader's call. A class without a num_classes
    parameter is built without it, except by the num_classes check (``asked``), which it then fails."""
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # nothing to read: the call itself will say
        return kwargs
    try:
        signature.bind(*spec.args, **kwargs)
        return kwargs
    except TypeError as error:
        rest = {name: value for name, value in kwargs.items() if name != "num_classes"}
        if not asked and rest != kwargs and _binds(signature, spec.args, rest):
            return rest
        call = ", ".join([*map(repr, spec.args), *(f"{name}={value!r}" for name, value in kwargs.items())])
        line, source = None, ""
        with contextlib.suppress(OSError, TypeError):
            lines, line = inspect.getsourcelines(cls.__init__)
            source = lines[0].strip()
        raise SignatureError(f"{spec.class_name}({call}): {error}", line, source) from None


def _binds(signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def _unused(model: nn.Module, rows: list[OpRow]) -> tuple[str, ...]:
    used = {name for row in rows for name in row.param_names}
    return tuple(name for name, _ in model.named_parameters() if name not in used)


def materialise(model: nn.Module, input_shape: tuple[int, ...]) -> None:
    """Lazy modules (nn.LazyConv2d, nn.LazyLinear: how d2l writes every network) get their weights' shapes
    from a first forward pass: one dry run, on the model's own (meta) device, before anything counts them."""
    if any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters()):
        device = next((p.device for p in model.parameters()), torch.device("meta"))
        with torch.no_grad():
            model.eval()(torch.empty((BATCH, *input_shape), device=device))


def _output_type(output: Any) -> str:
    """What forward returned, as the messages name it: Tensor, tuple of 3, list of 2, dict, NoneType, ..."""
    if isinstance(output, torch.Tensor):
        return "Tensor"
    if isinstance(output, (tuple, list)):
        return f"{type(output).__name__} of {len(output)}"
    return type(output).__name__


def _traced(model: nn.Module, spec: ModelSpec, batch: int, device: str = "meta") -> tuple[Any, str]:
    """trace() of the model, and the type of what its forward returned."""
    returned: list[str] = []
    hook = model.register_forward_hook(lambda module, args, output: returned.append(_output_type(output)))
    try:
        return trace(model, spec.input_shape, batch_size=batch, device=device), returned[0] if returned else "NoneType"
    finally:
        hook.remove()


def _trace_model(cls: Any, spec: ModelSpec, path: str, num_classes: int | None = None, batch: int = BATCH) -> TraceResult:
    """Build on the meta device and trace; if the meta run fails, build on the CPU and trace again, for
    torch's usual error message (and for learner code that needs real values)."""
    model, error = _attempt(lambda: _build(cls, spec, "meta", num_classes), path, "build")
    if error is not None:
        kind = "not_module" if "not an nn.Module" in error.detail else None
        return TraceResult(rows=(), error=replace(error, kind=kind) if kind else error)
    partial: list[OpRow] = []
    built = model  # the meta model: its parameters name the layers, even when the forward pass raises
    _attempt(lambda: materialise(model, spec.input_shape), path, "forward")  # an error here repeats below
    found, meta_error = _attempt(lambda: _traced(model, spec, batch), path, "forward", partial)
    if found is None:
        model, error = _attempt(lambda: _build(cls, spec, "cpu", num_classes), path, "build")
        if model is not None:
            _attempt(lambda: materialise(model, spec.input_shape), path, "forward")
            found, error = _attempt(lambda: _traced(model, spec, batch, "cpu"), path, "forward", partial)
        if found is None:
            weights = tuple((name, tuple(p.shape)) for name, p in built.named_parameters()
                            if not isinstance(p, nn.parameter.UninitializedParameter))
            return TraceResult(rows=tuple(partial), error=error or meta_error, weights=weights)
    traced, returned = found
    rows = list(traced.rows)
    return TraceResult(rows=tuple(rows), total_params=traced.total_params, output_shape=tuple(traced.output_shape),
                       output_type=returned, unused_params=_unused(model, rows))


def _structure(module: Any, spec: ModelSpec, path: str) -> tuple[StructureProbe, Any]:
    """Stage 1 for one model: find the class, build and trace it, build it again with other classes."""
    cls = getattr(module, spec.class_name, None)
    if cls is None:
        return StructureProbe(spec.label, error=missing(module, spec.class_name)), None
    is_module_class = isinstance(cls, type) and issubclass(cls, nn.Module)
    is_builder = spec.bonus and callable(cls) and not isinstance(cls, type)  # make_vgg(cfg) returns a module
    if not (is_module_class or is_builder):
        return StructureProbe(spec.label, error=ErrorInfo("not_module", type(cls).__name__, stage="build")), None
    traced = _trace_model(cls, spec, path)
    other = None
    if spec.num_classes is not None:
        again = _trace_model(cls, spec, path, num_classes=OTHER_NUM_CLASSES)
        other = NumClassesResult(OTHER_NUM_CLASSES, again.output_shape if again.error is None else None, again.error,
                                 again.output_type)
    # one image as well as a batch: code that merges the batch into the features, or squeezes it away,
    # works for one of them only
    single = _trace_model(cls, spec, path, batch=1)
    return StructureProbe(spec.label, trace=traced, num_classes=other, single=single), cls


# -- stage 2: the function check ----------------------------------------------------------------------
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


def _layers(model: nn.Module, rows: list[OpRow]) -> list[list[tuple[str, nn.Parameter]]]:
    """The model's parameters layer by layer (the rows that use parameters), in the order forward uses them."""
    return [[(name, model.get_parameter(name)) for name in row.param_names] for row in rows if row.param_names]


def _fill(model: nn.Module, layers: list[list[tuple[str, nn.Parameter]]], shapes: list[list[tuple[int, ...]]],
          block: torch.Tensor) -> None:
    """Give ``model``'s parameters the check's weights: the block tiled, from a running offset, into tensors of
    ``shapes`` (the reference's, where the learner's layers take them), scaled He-uniform so activations stay
    in range through deep ReLU stacks. Reference and learner get the same numbers wherever the shapes agree."""
    offset = 0
    for layer, layer_shapes in zip(layers, shapes, strict=True):
        for (name, _), shape in zip(layer, layer_shapes, strict=True):
            fan_in = math.prod(shape[1:]) if len(shape) > 1 else shape[0]
            bound = math.sqrt(6.0 / fan_in) if len(shape) > 1 else 0.1
            owner, _, attr = name.rpartition(".")
            tensor = _tiled(block, offset, torch.Size(shape), bound)
            model.get_submodule(owner)._parameters[attr] = nn.Parameter(tensor, requires_grad=False)
            offset = (offset + math.prod(shape)) % _BLOCK


_PROJECTIONS = (0, 1_048_573)  # where in the block the two projection vectors of a fingerprint start
_SAMPLE = 1 << 16  # values of a layer's output that the projections read, evenly spaced (all, up to this)


def _fingerprint(output: torch.Tensor, block: torch.Tensor) -> tuple[float, ...]:
    """A layer's output in four numbers: its size, its norm (over every value), and its projections on two
    fixed vectors of the block, over at most 65,536 evenly spaced values (every channel of every image is
    read). Their rounding stays far below the tolerance."""
    flat = output.detach().reshape(-1)
    numel = flat.numel()
    sample = flat[:: max(1, numel // _SAMPLE)][:_SAMPLE].to(torch.float64)
    numbers = [float(numel), float(torch.linalg.vector_norm(flat))]  # torch sums in cascades: rounding ~1e-6
    for start in _PROJECTIONS:
        numbers.append(float(sample @ _tiled(block, start, torch.Size((sample.numel(),)), 1.0).to(torch.float64)))
    return tuple(numbers)


def _same_fingerprint(got: tuple[float, ...], expected: tuple[float, ...]) -> bool:
    """The same size, the norm within 1e-4 of it, the projections within 1e-4 of the sample's share of it:
    float rounding stays a hundred times below that, a different computation (a missing ReLU, other
    weights) far above it."""
    if len(got) != len(expected) or got[0] != expected[0]:
        return False
    share = math.sqrt(min(1.0, _SAMPLE / got[0]))  # the sampled values' expected share of the norm
    norm = 1e-4 * expected[1] + 1e-6
    return abs(got[1] - expected[1]) <= norm and all(abs(a - b) <= norm * share for a, b in zip(got[2:], expected[2:]))


class _Tap(TorchFunctionMode):
    """Fingerprints the output of the first call that uses each watched parameter (a layer's weight)."""

    def __init__(self, watched: dict[int, int], block: torch.Tensor) -> None:
        super().__init__()
        self.watched, self.block = watched, block
        self.prints: dict[int, tuple[float, ...]] = {}

    def __torch_function__(self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None) -> Any:
        result = func(*args, **(kwargs or {}))
        if isinstance(result, torch.Tensor):
            for value in (*args, *(kwargs or {}).values()):
                layer = self.watched.get(id(value)) if isinstance(value, torch.Tensor) else None
                if layer is not None and layer not in self.prints:
                    self.prints[layer] = _fingerprint(result, self.block)
                    break
        return result


def _run(model: nn.Module, layers: list[list[tuple[str, nn.Parameter]]], shapes: list[list[tuple[int, ...]]],
         spec: ModelSpec, tapped: int, seed: int) -> tuple[Any, dict[int, tuple[float, ...]], torch.Tensor]:
    """Fill ``model`` with the check's weights and run it in eval mode on the check's batch: its output, the
    fingerprints of its first ``tapped`` layers, and the batch. Raises what the model raises."""
    generator = torch.Generator().manual_seed(seed)
    # One block of random numbers, of prime length, tiled into every parameter from a running offset:
    # as random-looking as fresh numbers for this purpose (no two filters or rows alike) but a memory
    # copy instead of 138M draws from the generator (0.1 s instead of 1.2 s for VGG16).
    block = torch.rand(_BLOCK, generator=generator).mul_(2).sub_(1)
    _fill(model, layers, shapes, block)
    x = torch.randn((BATCH, *spec.input_shape), generator=generator)
    watched = {id(model.get_parameter(layer[0][0])): index for index, layer in enumerate(layers[:tapped])}
    model.eval()
    tap = _Tap(watched, block)
    with torch.no_grad(), tap:
        output = model(x.clone())
    return output, tap.prints, x


def _function(cls: Any, spec: ModelSpec, path: str, learner_rows: tuple[OpRow, ...],
              reference_rows: tuple[OpRow, ...], expected: FunctionReference, memory_bytes: int) -> FunctionResult:
    """Give the learner's model the reference's weights, matched layer by layer in the order the forward pass
    uses them, as far as its layers' shapes take them, run it on the check's batch in eval mode, and compare
    with what the reference computed (``expected``): the outputs, and every weight layer's values."""
    macs = sum(row.macs for row in learner_rows)
    total = len(expected.param_shapes)
    if memory_bytes and activation_bytes(learner_rows) > memory_bytes // 2:
        return FunctionResult(spec.label, "too_big", macs=macs, layers=total)
    if macs > COSTLY * sum(row.macs for row in reference_rows):
        # its shapes cannot be the reference's, so its outputs could not match: not worth minutes of CPU
        return FunctionResult(spec.label, "too_costly", macs=macs, layers=total)
    # parameters in use order, read as the reference is written (see grader.compare.canonical)
    ordered = canonical(list(learner_rows), list(reference_rows))
    if any(unregistered(row) for row in ordered):  # a plain list of layers, layers made in forward
        return FunctionResult(spec.label, "unregistered", macs=macs, layers=total)
    learner, error = _attempt(lambda: _build(cls, spec, "meta"), path, "build")
    if learner is None:
        return FunctionResult(spec.label, "error", error=error, macs=macs, layers=total)
    _, error = _attempt(lambda: materialise(learner, spec.input_shape), path, "forward")  # lazy layers
    if error is not None:
        return FunctionResult(spec.label, "error", error=error, macs=macs, layers=total)
    if any(buffer.is_meta for buffer in learner.buffers()):
        learner, error = _attempt(lambda: _build(cls, spec, "cpu"), path, "build")  # buffers need real values
        if learner is None:
            return FunctionResult(spec.label, "error", error=error, macs=macs, layers=total)
    layers = _layers(learner, ordered)
    shapes = [[tuple(param.shape) for _, param in layer] for layer in layers]
    fitted = 0
    kinds = [row.op for row in ordered if row.param_names]  # "linear" for a convolution over the whole map
    while fitted < min(len(shapes), total) and _takes(shapes[fitted], expected.param_shapes[fitted], kinds[fitted]):
        fitted += 1
    ran, error = _attempt(lambda: _run(learner, layers, shapes, spec, fitted, expected.seed), path, "function")
    if error is not None or ran is None:
        return FunctionResult(spec.label, "error", error=error, macs=macs, layers=total, fitted=fitted)
    actual, prints, _ = ran
    same = [index for index in range(fitted) if index in prints and _same_fingerprint(prints[index], expected.layers[index])]
    first = next((index + 1 for index in range(total) if index not in same), None)
    counts = {"macs": macs, "layers": total, "fitted": fitted, "matched_layers": len(same), "first_differs": first}
    if fitted < total or len(layers) != total:
        return FunctionResult(spec.label, "parameters", **counts)
    if not isinstance(actual, torch.Tensor):
        return FunctionResult(spec.label, "not_tensor", output_type=_output_type(actual), **counts)
    wanted = torch.tensor(expected.output, dtype=torch.float32).view(expected.output_shape)
    if tuple(actual.shape) != tuple(wanted.shape):
        return FunctionResult(spec.label, "shape", **counts)
    actual = actual.to(wanted.dtype)
    difference = float((actual - wanted).abs().max())
    scale = float(wanted.abs().max())
    if difference <= 1e-4 * scale + 1e-6:
        return FunctionResult(spec.label, "same", difference, scale, **{**counts, "matched_layers": total, "first_differs": None})
    # class scores that sum to 1: a softmax at the end
    ones = torch.ones(actual.shape[0])
    probabilities = actual.dim() == 2 and bool(torch.allclose(actual.sum(dim=1), ones, atol=1e-4))
    log_probabilities = actual.dim() == 2 and bool(torch.allclose(actual.exp().sum(dim=1), ones, atol=1e-4))
    return FunctionResult(spec.label, "differs", difference, scale, probabilities, log_probabilities=log_probabilities,
                          **counts)


def _takes(shapes: list[tuple[int, ...]], wanted: tuple[tuple[int, ...], ...], op: str) -> bool:
    """Whether a layer's parameters take the reference's: the same shapes, or a convolution over the whole
    map where the reference has nn.Linear (out x in*k*k for out x in x k x k: flatten's order, so the same
    numbers tiled into either shape are the same weights)."""
    if len(shapes) != len(wanted):
        return False
    return all(shape == want or (op == "linear" and len(shape) == 4 and len(want) == 2 and shape[0] == want[0]
                                 and math.prod(shape) == math.prod(want)) for shape, want in zip(shapes, wanted))


def function_reference(spec: ModelSpec, reference_rows: tuple[OpRow, ...]) -> FunctionReference:
    """The reference's side of the function check (no learner code runs beside it): built from the zoo,
    filled with the check's weights, run on the check's batch."""
    model = _build(reference_class(spec), spec, "meta")
    layers = _layers(model, list(reference_rows))
    shapes = [[tuple(param.shape) for _, param in layer] for layer in layers]
    output, prints, _ = _run(model, layers, shapes, spec, len(layers), FUNCTION_SEED)
    return FunctionReference(spec.label, tuple(tuple(map(tuple, group)) for group in shapes), tuple(output.shape),
                             tuple(float(v) for v in output.reshape(-1).tolist()),
                             tuple(prints[index] for index in range(len(layers))), FUNCTION_SEED)


def function_references(specs: dict[str, tuple[ModelSpec, tuple[OpRow, ...]]]) -> dict[str, FunctionReference]:
    """Every asked reference's side of the function check, by key (grader.reference caches them)."""
    torch.set_num_threads(threads())
    return {key: function_reference(spec, rows) for key, (spec, rows) in specs.items()}


# -- chapter 0: the learner's formula functions against ours -------------------------------------------
_EXPECTED: dict[str, Callable[..., int]] = {
    "conv_output_size": formulas.conv_output_size,
    "pool_output_size": formulas.pool_output_size,
    "conv_params": formulas.conv_params,
    "linear_params": formulas.linear_params,
    "receptive_field": formulas.receptive_field,
}


def formula_cases(chapter: Chapter, hidden: int, seed: int | None) -> dict[str, list[tuple[Any, ...]]]:
    """The chapter's fixed cases, then ``hidden`` random ones per function, each with its answer."""
    rng = random.Random(seed)
    cases = {name: [tuple(case) for case in chapter.formula_cases.get(name, ())] for name in FORMULA_FUNCTIONS}
    for _ in range(hidden):
        size, kernel, stride = rng.randint(5, 300), rng.randint(1, 11), rng.randint(1, 4)
        padding = rng.randint(0, kernel // 2)
        if kernel <= size + 2 * padding:
            cases["conv_output_size"].append((size, kernel, stride, padding))
            cases["pool_output_size"].append((size, kernel, stride, padding))
        if kernel <= size:  # the documented defaults: a convolution's stride 1, a pool's stride = its kernel
            cases["conv_output_size"].append((size, kernel))
            cases["pool_output_size"].append(rng.choice([(size, kernel), (size, kernel, None)]))
        cases["conv_params"].append((rng.randint(1, 512), rng.randint(1, 512), rng.choice([1, 3, 5, 7, 11])))
        cases["linear_params"].append((rng.randint(1, 10000), rng.randint(1, 5000)))
        cases["receptive_field"].append(([(rng.choice([1, 3, 5, 7]), rng.randint(1, 2)) for _ in range(rng.randint(1, 5))],))
    return {name: [(*args, _EXPECTED[name](*args)) for args in items] for name, items in cases.items()}


def _call(args: list[Any]) -> str:
    """The arguments as the call was written: "(28, 2)", "([(3, 1), (3, 1)])"."""
    return "(" + ", ".join(map(repr, args)) + ")"


def _formula(module: Any, name: str, cases: list[tuple[Any, ...]], path: str) -> FormulaResult:
    function = getattr(module, name, None)
    if function is None:
        return FormulaResult(name, error=missing(module, name, classes=False))
    for *args, want in cases:
        got, error = _attempt(lambda args=args: function(*args), path, "call")
        if error is not None:
            return FormulaResult(name, error=error, args=_call(args), expected=want, case=tuple(args))
        if got != want:
            return FormulaResult(name, args=_call(args), expected=want, got=repr(got), case=tuple(args))
    return FormulaResult(name, cases=len(cases))


# -- the targets the parent runs in the isolated child -------------------------------------------------
def probe_chapter(chapter_id: str, path: str, references: dict[str, tuple[OpRow, ...]],
                  expected: dict[str, FunctionReference], hidden_cases: int = 50, seed: int | None = None,
                  bonus: bool = False, memory_mb: int = 0) -> None:
    """Load ``path`` and probe every model of the chapter, sending stage 1 (a ChapterProbe), then one
    FunctionResult per model that traced. ``references``: each model's reference rows, by label;
    ``expected``: the reference's side of each model's function check, by label."""
    chapter = get_chapter(chapter_id)
    torch.set_num_threads(threads())
    module, error = _attempt(lambda: import_path(path), path, "import")
    if module is None:
        send_stage(ChapterProbe(error=error))
        return
    torch.set_default_dtype(torch.float32)
    if not chapter.models:
        cases = formula_cases(chapter, hidden_cases, seed)
        send_stage(ChapterProbe(formulas=tuple(_formula(module, name, cases[name], path) for name in FORMULA_FUNCTIONS)))
        return
    found = [(spec, *_structure(module, spec, path)) for spec in chapter.specs(bonus)]
    send_stage(ChapterProbe(models=tuple(probe for _, probe, _ in found)))
    for spec, probe, cls in found:
        if "function" in spec.checks and probe.trace is not None and probe.trace.error is None:
            send_stage(_function(cls, spec, path, probe.trace.rows, references[spec.label], expected[spec.label],
                                 memory_mb * 2**20))


def _plain(value: Any) -> Any:
    """A learner's blank as plain data: numbers, tuples of numbers, None; anything else as its repr."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value] if isinstance(value, list) else tuple(_plain(v) for v in value)
    if isinstance(value, torch.Size):
        return tuple(int(v) for v in value)
    return repr(value)[:200]


def probe_worksheet(path: str, names: list[str]) -> WorksheetProbe:
    """Import the learner's worksheet and read its blanks. Runs in the isolated child."""
    module, error = _attempt(lambda: import_path(path), path, "import")
    if module is None:
        return WorksheetProbe(error=error)
    values = {name: _plain(getattr(module, name)) for name in names if hasattr(module, name)}
    return WorksheetProbe(values=values, missing=tuple(name for name in names if not hasattr(module, name)))


def trace_references(specs: dict[str, ModelSpec], zoo: list[str]) -> dict[str, tuple[tuple[OpRow, ...], int, tuple[int, ...]]]:
    """Every reference model traced on the meta device: (rows, total parameters, output shape) by key."""
    import solutions

    traced = {}
    for key, spec in specs.items():
        result = trace(_build(reference_class(spec), spec, "meta"), spec.input_shape)
        traced[key] = (tuple(result.rows), result.total_params, tuple(result.output_shape))
    for name in zoo:
        info = solutions.get_model_info(name)
        result = trace(info.build(device="meta"), info.input_shape)
        traced[name] = (tuple(result.rows), result.total_params, tuple(result.output_shape))
    return traced


def summarise(path: str | None, name: str, input_shape: tuple[int, ...], args: tuple[Any, ...],
              kwargs: dict[str, Any], form: str) -> dict[str, Any]:
    """``python -m grader summary``, in the isolated child: the model (a learner's class in ``path``, or a
    zoo model by ``name``) built on the meta device and traced. ``form``: table | json | torchsummary. When
    the forward pass raises, the table goes as far as it ran, with the error under it."""
    if path is None:
        import solutions

        model = solutions.get_model_info(name).build(device="meta")
    else:
        module, error = _attempt(lambda: import_path(path), path, "import")
        cls = getattr(module, name, None) if module is not None else None
        if cls is None:
            return {"error": error or missing(module, name)}
        spec = ModelSpec(class_name=name, reference="", input_shape=input_shape, args=args, kwargs=kwargs)
        model, error = _attempt(lambda: _build(cls, spec, "meta"), path, "build")
        if model is None:
            return {"error": error}
        _attempt(lambda: materialise(model, input_shape), path, "forward")
    partial: list[OpRow] = []
    traced, error = _attempt(lambda: trace(model, input_shape, name=name), path or "", "forward", partial)
    if traced is None:
        from grader.trace import Trace

        params = list(model.parameters())
        traced = Trace(name, input_shape, partial, [], sum(p.numel() for p in params), sum(p.numel() for p in params),
                       partial[-1].output_shape if partial else ())
        return {"text": traced.table(), "error": error, "rows": len(partial)}
    if form == "json":
        return {"json": traced.to_dict()}
    if form == "torchsummary":
        return {"text": traced.torchsummary()}
    return {"text": traced.table()}
