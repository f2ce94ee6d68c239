"""An op-level shape tracer that runs on the meta device.

It records every torch function the forward pass calls (through a ``TorchFunctionMode``), not only
module calls: ``F.relu`` in ``forward`` shows up exactly as ``nn.ReLU`` does, and ``x.view(n, -1)``,
``x.reshape``, ``torch.flatten`` and ``nn.Flatten`` all become one canonical ``flatten`` row. On the
meta device VGG16's 138M parameters cost no memory and no arithmetic.

Every call takes one path. The operations the course's rows describe have a rule in ``_RULES``: torch's
argument names (one binding per call), the output computed with ``grader.formulas`` for a plain call on
the meta device, and the row's hyperparameters and MACs. Everything else, and any call a rule cannot
handle (other types, other devices, sizes torch would reject), runs torch's own kernel, so errors are
torch's own.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.formulas import conv2d_output_shape, conv_macs, linear_macs, pair, pool2d_output_shape
from grader.protocol import WEIGHT_OPS, OpRow, Rows

__all__ = ["OpRow", "ModuleRow", "Trace", "trace", "WEIGHT_OPS"]


# Calls that ask about a tensor rather than compute one.
_QUERIES = {
    "__get__", "__set__", "size", "dim", "numel", "ndimension", "nelement", "stride", "is_contiguous",
    "element_size", "data_ptr", "is_floating_point", "is_complex", "__len__", "__bool__", "__format__",
    "__repr__", "__index__", "__int__", "__float__", "item", "tolist", "__iter__", "storage_offset",
    "requires_grad_", "retain_grad", "register_hook", "__hash__",
}
# Calls that hand the activation on unchanged: no row, the result is the same activation.
_PASSTHROUGH = {"contiguous", "clone", "detach", "to", "float", "double", "half", "type", "type_as", "cpu", "cuda"}
_RESHAPES = {"view", "reshape", "flatten", "squeeze", "unsqueeze", "view_as", "reshape_as", "permute", "transpose"}
# Spellings of one operation that mean the same to a learner.
_ALIASES = {
    "concat": "cat", "concatenate": "cat", "__add__": "add", "__radd__": "add", "__iadd__": "add",
    "__mul__": "mul", "__rmul__": "mul", "__imul__": "mul", "__sub__": "sub", "__rsub__": "sub",
    "__truediv__": "div", "__matmul__": "matmul", "__getitem__": "getitem", "mm": "matmul",
    "clamp_min": "relu_like", "hardtanh": "hardtanh", "max_pool2d_with_indices": "max_pool2d",
}
# Keyword spellings of one argument (torch.dropout's train, torch.concatenate's axis).
_KEYWORDS = {"train": "training", "axis": "dim"}


@dataclass
class ModuleRow:
    """One row of torchsummary's table: a leaf or custom module, as torchsummary's hooks see it."""

    name: str  # e.g. "Conv2d-1"
    output_shape: list[Any]
    nb_params: int
    trainable: bool | None


@dataclass
class Trace(Rows):
    """A traced model: its op rows (with totals, weight rows and depth from Rows), torchsummary's module rows."""

    model: str
    input_shape: tuple[int, ...]
    rows: list[OpRow]
    module_rows: list[ModuleRow]
    total_params: int
    trainable_params: int
    output_shape: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "input": list(self.input_shape),
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "total_macs": self.total_macs,
            "output_shape": list(self.output_shape),
            "rows": [row.to_dict() for row in self.rows],
        }

    def table(self) -> str:
        """The op-level table, with parameters and MACs (multiply-accumulates; FLOPs = 2 x MACs)."""
        header = f"{'#':>3}  {'op':<22} {'module':<24} {'output shape':<18} {'params':>13} {'MACs':>15}"
        lines = [header, "-" * len(header)]
        for index, row in enumerate(self.rows, start=1):
            shape = "x".join(map(str, row.output_shape))
            lines.append(
                f"{index:>3}  {row.op:<22} {row.module[:24]:<24} {shape:<18} {row.params:>13,} {row.macs:>15,}"
            )
        lines.append("-" * len(header))
        lines.append(f"Total params: {self.total_params:,}  (trainable {self.trainable_params:,})")
        lines.append(f"Total MACs: {self.total_macs:,}  (= {self.total_macs / 1e9:.2f} G; FLOPs = 2 x MACs)")
        lines.append(f"Weight layers (conv + fc): {self.depth}")
        return "\n".join(lines)

    def torchsummary(self) -> str:
        """The text ``torchsummary.summary(model, input_shape)`` prints, computed from this trace."""
        rule, double = "-" * 64, "=" * 64
        lines = [rule, "{:>20}  {:>25} {:>15}".format("Layer (type)", "Output Shape", "Param #"), double]
        total_params = trainable_params = total_output = 0
        for row in self.module_rows:
            lines.append("{:>20}  {:>25} {:>15}".format(row.name, str(row.output_shape), f"{row.nb_params:,}"))
            total_params += row.nb_params
            total_output += _nested_product(row.output_shape)
            if row.trainable:
                trainable_params += row.nb_params
        input_mb = abs(math.prod(self.input_shape) * -1 * 4.0 / (1024**2.0))
        output_mb = abs(2.0 * total_output * 4.0 / (1024**2.0))
        params_mb = abs(total_params * 4.0 / (1024**2.0))
        lines += [
            double,
            f"Total params: {total_params:,}",
            f"Trainable params: {trainable_params:,}",
            f"Non-trainable params: {total_params - trainable_params:,}",
            rule,
            "Input size (MB): %0.2f" % input_mb,
            "Forward/backward pass size (MB): %0.2f" % output_mb,
            "Params size (MB): %0.2f" % params_mb,
            "Estimated Total Size (MB): %0.2f" % (params_mb + output_mb + input_mb),
            rule,
        ]
        return "\n".join(lines) + "\n"


def _nested_product(shape: list[Any]) -> int:
    # numpy.prod over a (possibly nested) list, as torchsummary computes it
    product = 1
    for item in shape:
        product *= _nested_product(item) if isinstance(item, list) else item
    return product


def _flat_tensors(items: Iterable[Any]) -> list[torch.Tensor]:
    """The tensors among ``items`` and one level inside the lists, tuples and dicts among them, in order
    (torch's signatures nest no deeper: cat's list of tensors)."""
    found: list[torch.Tensor] = []
    for item in items:
        if isinstance(item, torch.Tensor):
            found.append(item)
        elif isinstance(item, (list, tuple, dict)):
            for inner in item.values() if isinstance(item, dict) else item:
                if isinstance(inner, torch.Tensor):
                    found.append(inner)
    return found


_NAMES: dict[Any, str] = {}  # func -> canonical name (the recorder asks for every call)


def _name(func: Callable[..., Any]) -> str:
    try:
        return _NAMES[func]
    except (KeyError, TypeError):
        pass
    name = getattr(func, "__name__", None) or str(func)
    name = _ALIASES.get(name, name)
    if name.endswith("_") and not name.endswith("__"):  # in-place spelling: relu_ is relu
        name = name[:-1]
    try:
        _NAMES[func] = name
    except TypeError:  # unhashable callables are simply not cached
        pass
    return name


# -- one rule per operation -------------------------------------------------------------------------------
Bound = dict[str, Any]


@dataclass(frozen=True)
class _Rule:
    """How the tracer reads one operation: torch's argument names and defaults, the output of a plain
    call made from the formulas (None: torch's kernel makes it), and the row's hyperparameters and MACs."""

    names: tuple[str, ...]
    defaults: Bound
    output: Callable[[Bound], torch.Tensor | None] | None = None
    hparams: Callable[[Bound, torch.Tensor], tuple[dict[str, Any], int]] | None = None

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Bound | None:
        """The call's arguments by name; None when they do not fit the signature (torch then says why)."""
        names = self.names
        if len(args) > len(names):
            return None
        bound = dict(self.defaults)
        bound.update(zip(names, args))
        taken = names[:len(args)]
        for key, value in kwargs.items():
            key = _KEYWORDS.get(key, key)
            if key in taken or key not in names:
                return None
            bound[key] = value
        return bound if len(bound) == len(names) else None  # a required argument is missing


_PLAIN = (torch.Tensor, nn.Parameter)  # subclasses may compute their own way: torch's kernel runs for them
_META = torch.device("meta")


def _plain_meta(x: Any, *others: Any) -> bool:
    """Whether ``x`` and the ``others`` not None are plain tensors on the meta device, of one dtype."""
    if type(x) not in _PLAIN or not x.is_meta:
        return False
    for other in others:
        if other is not None and (type(other) not in _PLAIN or not other.is_meta or other.dtype != x.dtype):
            return False
    return True


def _empty(x: torch.Tensor, *shape: int) -> torch.Tensor:
    return torch.empty(*shape, device=_META, dtype=x.dtype)


def _compact(value: Any) -> Any:
    """(3, 3) -> 3 for display and comparison; non-square pairs stay pairs."""
    if isinstance(value, (tuple, list)) and value:
        value = tuple(value)
        return value[0] if value.count(value[0]) == len(value) else value
    return value


def _conv2d_output(b: Bound) -> torch.Tensor | None:
    x, weight, bias, groups = b["input"], b["weight"], b["bias"], b["groups"]
    if not _plain_meta(x, weight, bias) or x.dim() != 4 or weight.dim() != 4 or type(groups) is not int:
        return None
    n, channels, h, w = x.shape
    out_channels, per_group, kh, kw = weight.shape
    if groups < 1 or channels != per_group * groups or out_channels % groups or isinstance(b["padding"], str):
        return None  # torch's error, or padding="same"/"valid", which torch turns into numbers
    if bias is not None and bias.shape != (out_channels,):
        return None
    size = conv2d_output_shape((h, w), (kh, kw), b["stride"], b["padding"], b["dilation"])
    return _empty(x, n, out_channels, *size)


def _conv2d_hparams(b: Bound, output: torch.Tensor) -> tuple[dict[str, Any], int]:
    groups = int(b["groups"])
    out_channels, per_group, kh, kw = b["weight"].shape
    padding, dilation = b["padding"], pair(b["dilation"])
    if isinstance(padding, str):  # "valid" / "same": the numbers torch used
        padding = (0, 0) if padding == "valid" else (dilation[0] * (kh - 1) // 2, dilation[1] * (kw - 1) // 2)
    hparams = {
        "in_channels": per_group * groups,
        "out_channels": out_channels,
        "kernel_size": _compact((kh, kw)),
        "stride": _compact(pair(b["stride"])),
        "padding": _compact(pair(padding)),
        "dilation": _compact(dilation),
        "groups": groups,
        "bias": b["bias"] is not None,
    }
    return hparams, conv_macs(per_group * groups, out_channels, (kh, kw), tuple(output.shape[-2:]), groups)


def _linear_output(b: Bound) -> torch.Tensor | None:
    x, weight, bias = b["input"], b["weight"], b["bias"]
    if not _plain_meta(x, weight, bias) or weight.dim() != 2 or x.dim() < 1:
        return None
    out_features, in_features = weight.shape
    if x.shape[-1] != in_features or (bias is not None and bias.shape != (out_features,)):
        return None
    return _empty(x, *x.shape[:-1], out_features)


def _linear_hparams(b: Bound, output: torch.Tensor) -> tuple[dict[str, Any], int]:
    out_features, in_features = b["weight"].shape
    hparams = {"in_features": in_features, "out_features": out_features, "bias": b["bias"] is not None}
    return hparams, linear_macs(in_features, out_features) * math.prod(output.shape[1:-1])  # per sample


def _pool_stride(b: Bound) -> Any:
    stride = b["stride"]  # torch.max_pool2d spells "no stride" [], F.max_pool2d None: the kernel size
    return b["kernel_size"] if stride is None or (isinstance(stride, (list, tuple)) and not stride) else stride


def _pool2d_output(b: Bound) -> torch.Tensor | None:
    x, ceil_mode = b["input"], b["ceil_mode"]
    if not _plain_meta(x) or x.dim() != 4 or type(ceil_mode) is not bool or b.get("return_indices", False) is not False:
        return None  # with indices the result is a pair
    if type(b.get("count_include_pad", True)) is not bool or b.get("divisor_override") is not None:
        return None  # avg_pool2d's: torch checks them
    n, channels, h, w = x.shape
    dilation = b.get("dilation", 1)  # max pooling only
    size = pool2d_output_shape((h, w), b["kernel_size"], _pool_stride(b), b["padding"], dilation, ceil_mode)
    return _empty(x, n, channels, *size)


def _pool2d_hparams(b: Bound, output: torch.Tensor) -> tuple[dict[str, Any], int]:
    hparams = {
        "kernel_size": _compact(pair(b["kernel_size"])),
        "stride": _compact(pair(_pool_stride(b))),
        "padding": _compact(pair(b["padding"])),
        "ceil_mode": bool(b["ceil_mode"]),
    }
    if "dilation" in b:  # max pooling only
        hparams["dilation"] = _compact(pair(b["dilation"]))
    return hparams, 0


def _adaptive_output(b: Bound) -> torch.Tensor | None:
    x, size = b["input"], b["output_size"]
    if not _plain_meta(x) or x.dim() != 4 or 0 in x.shape[1:]:
        return None
    if isinstance(size, (tuple, list)) and len(size) != 2:  # torch refuses [4]
        return None
    height, width = pair(size)  # (None, 7) keeps a side: pair refuses it, torch's kernel does that
    return _empty(x, x.shape[0], x.shape[1], height, width) if height > 0 and width > 0 else None


def _adaptive_hparams(b: Bound, output: torch.Tensor) -> tuple[dict[str, Any], int]:
    return {"output_size": _compact(b["output_size"])}, 0


def _cat_output(b: Bound) -> torch.Tensor | None:
    """The sizes of plain same-rank tensors add up along ``dim``. Measured: torch's meta kernel for cat is
    written in Python, about 0.1 ms a call; GoogLeNet's 9 cats took 1.1 ms of its 5 ms trace with it."""
    tensors, dim = b["tensors"], b["dim"]
    if type(dim) is not int or type(tensors) not in (list, tuple) or not tensors or not _plain_meta(*tensors):
        return None
    first = tensors[0]
    shape, rank = first.shape, first.dim()
    if rank == 0 or not -rank <= dim < rank:
        return None
    dim %= rank
    total = 0
    for tensor in tensors:
        size = tensor.shape
        if len(size) != rank or 0 in size or size[:dim] != shape[:dim] or size[dim + 1:] != shape[dim + 1:]:
            return None
        total += size[dim]
    # torch's cat returns a contiguous tensor when its first input suggests the contiguous format
    if first.layout != torch.strided or _strides_like_channels_last(shape, first.stride()):
        return None
    return _empty(first, *shape[:dim], total, *shape[dim + 1:])


def _strides_like_channels_last(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """torch._prims_common.are_strides_like_channels_last_or_false for int sizes, without the import of
    torch.fx.experimental.symbolic_shapes (and sympy) it makes."""
    order = {4: (1, 3, 2, 0), 5: (1, 4, 3, 2, 0)}.get(len(shape))
    if order is None or strides[1] == 0:
        return False
    low = 0
    for d in order:
        if shape[d] == 0 or strides[d] < low or (d == 0 and low == strides[1]):
            return False
        low = strides[d] * shape[d]
    return True


def _same_output(b: Bound) -> torch.Tensor | None:
    """Measured: torch's meta relu goes through torch._refs, whose first call imports torch._dynamo (1.25 s)."""
    return None if b.get("inplace") or not _plain_meta(b["input"]) else torch.empty_like(b["input"])


def _dim_hparams(b: Bound, output: torch.Tensor) -> tuple[dict[str, Any], int]:
    """The dimension counted from the front: torch.cat(..., dim=-3) on N x C x H x W is dim=1."""
    return {"dim": None if b["dim"] is None else int(b["dim"]) % max(output.dim(), 1)}, 0


def _dropout_hparams(b: Bound, output: torch.Tensor) -> tuple[dict[str, Any], int]:
    return {"p": float(b["p"])}, 0


def _rule(signature: str, output: Callable[[Bound], torch.Tensor | None] | None = None,
          hparams: Callable[[Bound, torch.Tensor], tuple[dict[str, Any], int]] | None = None) -> _Rule:
    """A _Rule from torch's signature written out: "input, weight, bias=None" (defaults are literals)."""
    names, defaults = [], {}
    for parameter in signature.split(", "):
        name, _, default = parameter.partition("=")
        names.append(name)
        if default:
            defaults[name] = ast.literal_eval(default)
    return _Rule(tuple(names), defaults, output, hparams)


_SOFTMAX = _rule("input, dim=None, _stacklevel=3, dtype=None", hparams=_dim_hparams)
_DROPOUT = _rule("input, p=0.5, training=True, inplace=False", hparams=_dropout_hparams)
_RULES: dict[str, _Rule] = {
    "conv2d": _rule("input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1",
                    _conv2d_output, _conv2d_hparams),
    "linear": _rule("input, weight, bias=None", _linear_output, _linear_hparams),
    "max_pool2d": _rule("input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False",
                        _pool2d_output, _pool2d_hparams),
    "avg_pool2d": _rule("input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, "
                        "divisor_override=None", _pool2d_output, _pool2d_hparams),
    "adaptive_avg_pool2d": _rule("input, output_size", _adaptive_output, _adaptive_hparams),
    "adaptive_max_pool2d": _rule("input, output_size, return_indices=False", hparams=_adaptive_hparams),
    "cat": _rule("tensors, dim=0", _cat_output, _dim_hparams),
    "softmax": _SOFTMAX,
    "log_softmax": _SOFTMAX,
    "mean": _rule("input, dim=None, keepdim=False, dtype=None"),  # x.mean((2, 3)) is a pooling row
    **dict.fromkeys(("relu", "relu6", "sigmoid", "tanh", "silu", "hardswish"), _rule("input, inplace=False", _same_output)),
    **dict.fromkeys(("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"),
                    _DROPOUT),
}
_NO_RULE = _Rule((), {})  # every other op: torch's kernel, a row without hyperparameters


def _over_height_and_width(dim: Any) -> bool:
    """x.mean((2, 3)) of an NCHW tensor is global average pooling, as nn.AdaptiveAvgPool2d(1) writes it."""
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return all(type(d) is int for d in dims) and {d % 4 for d in dims} == {2, 3}


_MODULE_GETATTR = nn.Module.__getattr__
_OBJECT_GETATTRIBUTE = object.__getattribute__


def _plain_lookup(kind: type) -> bool:
    """Whether ``getattr(module, "weight" or "bias", None)`` for instances of ``kind`` reads only the module's
    dicts: Python's and nn.Module's lookups, and no class attribute of those names."""
    return (
        kind.__getattribute__ is _OBJECT_GETATTRIBUTE and kind.__getattr__ is _MODULE_GETATTR
        and not hasattr(kind, "weight") and not hasattr(kind, "bias")
    )


def _lookup(module: nn.Module, name: str) -> Any:
    """``getattr(module, name, None)`` for a _plain_lookup class, without the AttributeError that
    nn.Module.__getattr__ raises for a missing name (about 0.05 ms of a VGG16 trace, measured)."""
    state = module.__dict__
    for place in (state, state.get("_parameters", ()), state.get("_buffers", ()), state.get("_modules", ())):
        if name in place:
            return place[name]
    return None


# -- the recorder ----------------------------------------------------------------------------------------
class _Recorder(TorchFunctionMode):
    """Sees every torch call of the forward pass; keeps the ones that compute on the activation."""

    def __init__(self, model: nn.Module, fast: bool = True) -> None:
        super().__init__()
        self.fast = fast
        self.root = model
        # the one walk of the model, through its own named_modules (a model may override it)
        self.module_names: dict[int, str] = {}  # a module met twice keeps its last name
        self.modules: list[nn.Module] = []
        self.params: dict[int, tuple[str, nn.Parameter]] = {}  # id -> (qualified name, parameter), walk order
        self.buffers: list[torch.Tensor] = []
        for prefix, module in model.named_modules(remove_duplicate=False):
            self.module_names[id(module)] = prefix
            self.modules.append(module)
            for name, param in module._parameters.items():
                if param is not None and id(param) not in self.params:
                    self.params[id(param)] = (f"{prefix}.{name}" if prefix else name, param)
            self.buffers += [buffer for buffer in module._buffers.values() if buffer is not None]
        self.rows: list[OpRow] = []
        self.finished_modules: list[tuple[nn.Module, Any]] = []  # (module, output) in completion order
        self.activations: dict[int, int] = {}  # id of a tensor on the data path -> the row that made it (-1: input)
        self.current_inputs: tuple[int, ...] = ()  # the producers of the row being recorded
        self.derived: dict[int, tuple[int, ...]] = {}  # tensor computed from parameters only -> those params
        self.used_params: set[int] = set()  # parameters already attributed to a row
        self.keep_alive: list[Any] = []  # ids stay unique while the trace runs
        self.module_stack: list[nn.Module] = []
        self.weight_layers = 0

    def input_device_dtype(self, default: torch.device = _META) -> tuple[torch.device, torch.dtype]:
        """Where the model's first floating parameter (or buffer) lives; ``default`` for a model without tensors."""
        tensors = [param for _, param in self.params.values()] + self.buffers
        for tensor in tensors:
            if tensor.is_floating_point():
                return tensor.device, tensor.dtype
        return (tensors[0].device if tensors else default), torch.get_default_dtype()

    # -- module attribution; torchsummary's module rows are formatted after the run ------------------
    def pre_hook(self, module: nn.Module, inputs: Any) -> None:
        if id(module) in self.module_names:
            self.module_stack.append(module)

    def post_hook(self, module: nn.Module, inputs: Any, output: Any) -> None:
        if id(module) not in self.module_names:
            return
        if self.module_stack and self.module_stack[-1] is module:
            self.module_stack.pop()
        self.finished_modules.append((module, output))

    def module_rows(self) -> list[ModuleRow]:
        """torchsummary's own rules: every module but containers and the model itself, weight + bias
        counted per module, output shape with batch -1."""
        rows: list[ModuleRow] = []
        plain: dict[type, bool] = {}  # class -> _plain_lookup(class)
        for module, output in self.finished_modules:
            if isinstance(module, (nn.Sequential, nn.ModuleList)) or module is self.root:
                continue
            if isinstance(output, (list, tuple)):
                shape: list[Any] = [[-1, *list(o.size())[1:]] for o in output]
            else:
                shape = [-1, *list(output.size())[1:]]
            params, trainable = 0, None
            kind = type(module)
            if kind not in plain:
                plain[kind] = _plain_lookup(kind)
            if plain[kind]:
                weight, bias = _lookup(module, "weight"), _lookup(module, "bias")
            else:
                weight, bias = getattr(module, "weight", None), getattr(module, "bias", None)
            if weight is not None and hasattr(weight, "size"):
                params += math.prod(weight.size())
                trainable = weight.requires_grad
            if bias is not None and hasattr(bias, "size"):
                params += math.prod(bias.size())
            rows.append(ModuleRow(f"{kind.__name__}-{len(rows) + 1}", shape, params, trainable))
        return rows

    # -- the op record -------------------------------------------------------------------------------
    def __torch_function__(
        self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        kwargs = kwargs or {}
        name = _name(func)
        if name in _QUERIES:
            return func(*args, **kwargs)
        rule = _RULES.get(name, _NO_RULE)
        bound = None if rule is _NO_RULE else rule.bind(args, kwargs)
        result = self._run(func, args, kwargs, rule, bound)
        outputs = [result] if isinstance(result, torch.Tensor) else _flat_tensors((result,))
        if not outputs:
            return result
        self.keep_alive.append(result)
        activations, derived = self.activations, self.derived
        producers: dict[int, None] = {}  # the rows whose outputs this call reads, in argument order
        params: dict[int, None] = {}  # ordered as the call takes them: weight before bias
        on_data_path = None
        for tensor in _flat_tensors((*args, *kwargs.values()) if kwargs else args):
            key = id(tensor)
            if key in activations:
                producers[activations[key]] = None
                if on_data_path is None:
                    on_data_path = tensor
            elif key in self.params:
                params[key] = None
            elif key in derived:
                params.update(dict.fromkeys(derived[key]))
        if on_data_path is None:  # computed from parameters or constants only, e.g. self.w.t()
            for tensor in outputs:
                derived[id(tensor)] = tuple(params)
            return result
        producer = activations[id(on_data_path)]
        if name not in _PASSTHROUGH:
            rows_before = len(self.rows)
            self.current_inputs = tuple(producers)
            self._record(name, rule, bound, on_data_path, outputs[0], params)
            if len(self.rows) > rows_before:
                producer = len(self.rows) - 1
        for tensor in outputs:
            activations[id(tensor)] = producer
        return result

    def _run(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], rule: _Rule,
             bound: Bound | None) -> Any:
        """The call's result: made from the formulas where the rule can (torch's meta kernels are slow:
        linear's takes about 0.3 ms), else torch's own kernel. Without ``fast`` the kernel always runs
        and the formulas' output is checked against it."""
        made = None
        in_place = getattr(func, "__name__", "").endswith("_") and not func.__name__.endswith("__")  # relu_: its input
        # the formulas make a tensor without autograd history: only under no_grad, as trace() runs the model
        if bound is not None and rule.output is not None and not torch.is_grad_enabled() and not in_place:
            try:
                made = rule.output(bound)
            except ValueError:  # the formulas refuse the call: torch's kernel raises its own error
                made = None
        if made is not None and self.fast:
            return made
        result = func(*args, **kwargs)
        if made is not None and (made.shape, made.dtype, made.stride()) != (
            result.shape, result.dtype, result.stride()
        ):
            raise AssertionError(f"the rule for {func.__name__} made {made.shape}, torch's kernel {result.shape}")
        return result

    def _record(self, name: str, rule: _Rule, bound: Bound | None, x: torch.Tensor, output: torch.Tensor,
                params: dict[int, None]) -> None:
        in_shape = tuple(x.shape[1:])
        out_shape = in_shape if output is x else tuple(output.shape[1:])
        if name in _RESHAPES:
            if out_shape == in_shape and not params:
                return
            flat = output.dim() == 2 and x.dim() > 2 and output.shape[0] == x.shape[0]
            name = "flatten" if flat else "reshape"
        elif name == "mean" and bound is not None and x.dim() == 4 and _over_height_and_width(bound["dim"]):
            pooled = (in_shape[0], 1, 1)
            self._add_row("adaptive_avg_pool2d", pooled, in_shape, params, 0, {"output_size": 1})
            if out_shape != pooled:  # x.mean((2, 3)) also flattens
                self.current_inputs = (len(self.rows) - 1,)
                self._add_row("flatten", out_shape, pooled, {}, 0, {})
            return
        hparams, macs = {}, 0
        if bound is not None and rule.hparams is not None:
            hparams, macs = rule.hparams(bound, output)
        self._add_row(name, out_shape, in_shape, params, macs, hparams)

    def _add_row(self, name: str, out_shape: tuple[int, ...], in_shape: tuple[int, ...],
                 params: dict[int, None], macs: int, hparams: dict[str, Any]) -> None:
        count, names = 0, []
        for key in params:
            if key not in self.used_params:  # a shared parameter counts once
                self.used_params.add(key)
                param_name, param = self.params[key]
                count += param.numel()
                names.append(param_name)
        layer = None
        if name in WEIGHT_OPS:
            self.weight_layers += 1
            layer = self.weight_layers
        module = self.module_stack[-1] if self.module_stack else self.root
        self.rows.append(OpRow(
            name, out_shape, in_shape, count, macs, hparams, self.module_names.get(id(module), ""),
            type(module).__name__, layer, tuple(names), self.current_inputs,
        ))


_MODULE_SETATTR = nn.Module.__setattr__


def _set_training(flags: Iterable[tuple[nn.Module, bool]]) -> None:
    """``module.training = flag`` for each pair. For a bool nn.Module.__setattr__ ends in object.__setattr__
    after checks that only matter when "training" names a parameter, buffer or submodule; writing it
    directly saves about 0.08 ms of a VGG16 trace (84 writes, measured)."""
    for module, flag in flags:
        state = module.__dict__
        if type(module).__setattr__ is _MODULE_SETATTR and not (
            "training" in state.get("_parameters", ()) or "training" in state.get("_buffers", ())
            or "training" in state.get("_modules", ())
        ):
            object.__setattr__(module, "training", flag)
        else:
            module.training = flag


def trace(
    model: nn.Module,
    input_shape: tuple[int, ...] | list[int],
    batch_size: int = 2,
    name: str | None = None,
    fast: bool = True,
    device: str | torch.device = _META,
) -> Trace:
    """Run ``model`` once on a batch of ``input_shape`` (C, H, W) and record every operation.

    The input lives where the model's parameters live: build the model on the meta device
    (``with torch.device("meta"): model = Net()``) to trace without memory or arithmetic. The model
    runs in eval mode (its training flags are restored afterwards). ``fast=False`` runs torch's kernel
    for every op and checks the formulas' shapes against it (for tests). ``device``: the input's, for a model
    that has no tensors of its own (its layers made in forward, or kept where PyTorch does not see them).
    """
    input_shape = tuple(int(v) for v in input_shape)
    recorder = _Recorder(model, fast=fast)
    where, dtype = recorder.input_device_dtype(torch.device(device))
    x = torch.empty((batch_size, *input_shape), device=where, dtype=dtype)
    recorder.activations[id(x)] = -1
    saved = [(module, module.training) for module in recorder.modules]
    pre = nn.modules.module.register_module_forward_pre_hook(recorder.pre_hook)
    post = nn.modules.module.register_module_forward_hook(recorder.post_hook)
    try:
        _set_training((module, False) for module, _ in saved)
        with torch.no_grad(), recorder:
            output = model(x)
    except Exception as error:
        # what ran before the error explains it: "flatten gives 256*6*6 = 9216 features, ..."
        try:
            error.partial_rows = list(recorder.rows)  # type: ignore[attr-defined]
        except AttributeError:
            pass
        raise
    finally:
        pre.remove()
        post.remove()
        _set_training(saved)
    outputs = _flat_tensors((output,))
    kind = type(model)
    if kind.parameters is nn.Module.parameters and kind.named_parameters is nn.Module.named_parameters:
        params = [param for _, param in recorder.params.values()]  # what parameters() lists: each once
    else:  # the model says which parameters it has
        params = list(model.parameters())
    return Trace(
        model=name or type(model).__name__,
        input_shape=input_shape,
        rows=recorder.rows,
        module_rows=recorder.module_rows(),
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        output_shape=tuple(outputs[0].shape[1:]) if outputs else (),
    )
