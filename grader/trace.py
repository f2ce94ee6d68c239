"""An op-level shape tracer that runs on the meta device.

It records every torch function the forward pass calls (through a ``TorchFunctionMode``), not only
module calls: ``F.relu`` in ``forward`` shows up exactly as ``nn.ReLU`` does, and ``x.view(n, -1)``,
``x.reshape``, ``torch.flatten`` and ``nn.Flatten`` all become one canonical ``flatten`` row. On the
meta device VGG16's 138M parameters cost no memory and no arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.formulas import conv_output_size, pair, pool_output_size

__all__ = ["OpRow", "ModuleRow", "Trace", "trace", "WEIGHT_OPS"]

WEIGHT_OPS = ("conv2d", "linear")  # the "weight layers" counted as a network's depth

# Calls that ask about a tensor rather than compute one.
_QUERIES = {
    "__get__", "__set__", "size", "dim", "numel", "ndimension", "nelement", "stride", "is_contiguous",
    "element_size", "data_ptr", "is_floating_point", "is_complex", "__len__", "__bool__", "__format__",
    "__repr__", "__index__", "__int__", "__float__", "item", "tolist", "__iter__", "storage_offset",
    "requires_grad_", "retain_grad", "register_hook", "__hash__", "__eq__" if False else "",
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


@dataclass
class OpRow:
    """One operation on the data path. Shapes exclude the batch dimension."""

    op: str
    output_shape: tuple[int, ...]
    input_shape: tuple[int, ...]
    params: int = 0
    macs: int = 0
    hparams: dict[str, Any] = field(default_factory=dict)
    module: str = ""  # qualified name of the innermost module that ran it ("" for the model itself)
    module_type: str = ""
    layer: int | None = None  # 1-based index among conv2d/linear rows, in execution order
    param_names: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["output_shape"] = list(self.output_shape)
        data["input_shape"] = list(self.input_shape)
        data["param_names"] = list(self.param_names)
        return data


@dataclass
class ModuleRow:
    """One row of torchsummary's table: a leaf or custom module, as torchsummary's hooks see it."""

    name: str  # e.g. "Conv2d-1"
    output_shape: list[Any]
    nb_params: int
    trainable: bool | None


@dataclass
class Trace:
    model: str
    input_shape: tuple[int, ...]
    rows: list[OpRow]
    module_rows: list[ModuleRow]
    total_params: int
    trainable_params: int
    output_shape: tuple[int, ...]

    @property
    def total_macs(self) -> int:
        return sum(row.macs for row in self.rows)

    @property
    def weight_rows(self) -> list[OpRow]:
        return [row for row in self.rows if row.layer is not None]

    @property
    def depth(self) -> int:
        """Number of weight layers (conv + fc), the way the papers count "16" in VGG16."""
        return len(self.weight_rows)

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


def _flat_tensors(value: Any) -> list[torch.Tensor]:
    """The tensors in a call's arguments or result (one level of nesting, as torch's signatures have)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        value = tuple(value.values())
    if isinstance(value, (list, tuple)):
        found: list[torch.Tensor] = []
        for item in value:
            if isinstance(item, torch.Tensor):
                found.append(item)
            elif isinstance(item, (list, tuple)):
                found.extend(t for t in item if isinstance(t, torch.Tensor))
        return found
    return []


def _tensors(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)


_NAMES: dict[Any, str] = {}


def _canonical_name(func: Callable[..., Any]) -> str:
    try:
        return _NAMES[func]
    except (KeyError, TypeError):
        pass
    name = _name_of(func)
    try:
        _NAMES[func] = name
    except TypeError:  # unhashable callables are simply not cached
        pass
    return name


def _name_of(func: Callable[..., Any]) -> str:
    name = getattr(func, "__name__", None) or str(func)
    name = _ALIASES.get(name, name)
    if name.endswith("_") and not name.endswith("__"):  # in-place spelling: relu_ is relu
        name = name[:-1]
    return name


def _bind(args: tuple[Any, ...], kwargs: dict[str, Any], names: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any]:
    bound = dict(defaults)
    bound.update(zip(names, args))
    bound.update({key: value for key, value in kwargs.items() if key in names})
    return bound


def _compact(value: Any) -> Any:
    """(3, 3) -> 3 for display and comparison; non-square pairs stay pairs."""
    if isinstance(value, (tuple, list)):
        value = tuple(int(v) for v in value)
        if len(set(value)) == 1:
            return value[0]
        return value
    return value


def _conv_hparams(args: tuple[Any, ...], kwargs: dict[str, Any], output: torch.Tensor) -> tuple[dict[str, Any], int]:
    b = _bind(args, kwargs, ("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
              {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1})
    weight = b["weight"]
    groups = int(b["groups"])
    out_channels, in_per_group, kh, kw = weight.shape
    padding = b["padding"]
    if isinstance(padding, str):  # "valid" / "same": the numbers torch used
        dilation = pair(b["dilation"])
        padding = (0, 0) if padding == "valid" else tuple(d * (k - 1) // 2 for d, k in zip(dilation, (kh, kw)))
    hparams = {
        "in_channels": int(in_per_group) * groups,
        "out_channels": int(out_channels),
        "kernel_size": _compact((kh, kw)),
        "stride": _compact(pair(b["stride"])),
        "padding": _compact(pair(padding)),
        "dilation": _compact(pair(b["dilation"])),
        "groups": groups,
        "bias": b["bias"] is not None,
    }
    macs = math.prod(output.shape[1:]) * int(in_per_group) * int(kh) * int(kw)
    return hparams, macs


def _linear_hparams(args: tuple[Any, ...], kwargs: dict[str, Any], output: torch.Tensor) -> tuple[dict[str, Any], int]:
    b = _bind(args, kwargs, ("input", "weight", "bias"), {"bias": None})
    out_features, in_features = b["weight"].shape
    hparams = {"in_features": int(in_features), "out_features": int(out_features), "bias": b["bias"] is not None}
    return hparams, math.prod(output.shape[1:]) * int(in_features)


def _pool_hparams(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    if name == "max_pool2d":
        names = ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices")
    else:
        names = ("input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")
    b = _bind(args, kwargs, names, {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False})
    stride = b["stride"]
    if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0):
        stride = b["kernel_size"]
    hparams = {
        "kernel_size": _compact(pair(b["kernel_size"])),
        "stride": _compact(pair(stride)),
        "padding": _compact(pair(b["padding"])),
        "ceil_mode": bool(b["ceil_mode"]),
    }
    if name == "max_pool2d":
        hparams["dilation"] = _compact(pair(b["dilation"]))
    return hparams


# -- shapes from the formulas ---------------------------------------------------------------------------
# Some meta kernels are slow (linear on meta takes about a millisecond), so for the layers of this course
# the tracer computes the output shape with the formula library, which is property-tested against torch,
# and makes an empty meta tensor of that shape. Anything unusual (other devices, mixed dtypes, a shape
# torch would reject) goes to the real kernel, so errors are torch's own.
def _empty_like_shape(reference: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    return torch.empty(shape, device=reference.device, dtype=reference.dtype)


def _same_meta(*tensors: Any) -> bool:
    first = tensors[0]
    return all(
        t is None or (isinstance(t, torch.Tensor) and t.device.type == "meta" and t.dtype == first.dtype)
        for t in tensors
    )


def _fast_conv2d(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
    b = _bind(args, kwargs, ("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
              {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1})
    x, weight, bias = b["input"], b["weight"], b["bias"]
    if not _same_meta(x, weight, bias) or x.dim() != 4 or weight.dim() != 4:
        return None
    groups = b["groups"]
    out_channels, in_per_group, kh, kw = weight.shape
    if x.shape[1] != in_per_group * groups or out_channels % groups or (bias is not None and tuple(bias.shape) != (out_channels,)):
        return None
    padding = b["padding"]
    if isinstance(padding, str):
        if padding == "same":
            return _empty_like_shape(x, (x.shape[0], out_channels, x.shape[2], x.shape[3]))
        padding = 0
    (sh, sw), (ph, pw), (dh, dw) = pair(b["stride"]), pair(padding), pair(b["dilation"])
    try:
        height = conv_output_size(int(x.shape[2]), int(kh), sh, ph, dh)
        width = conv_output_size(int(x.shape[3]), int(kw), sw, pw, dw)
    except ValueError:
        return None
    return _empty_like_shape(x, (x.shape[0], out_channels, height, width))


def _fast_linear(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
    b = _bind(args, kwargs, ("input", "weight", "bias"), {"bias": None})
    x, weight, bias = b["input"], b["weight"], b["bias"]
    if not _same_meta(x, weight, bias) or weight.dim() != 2 or x.dim() < 1 or x.shape[-1] != weight.shape[1]:
        return None
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        return None
    return _empty_like_shape(x, (*x.shape[:-1], weight.shape[0]))


def _fast_pool(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
    if name == "max_pool2d":
        names = ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices")
    else:
        names = ("input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")
    b = _bind(args, kwargs, names, {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False, "return_indices": False})
    x = b["input"]
    if not _same_meta(x) or x.dim() != 4 or b["return_indices"]:
        return None
    stride = b["stride"]
    if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0):
        stride = b["kernel_size"]
    try:
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (pair(b["kernel_size"]), pair(stride), pair(b["padding"]), pair(b["dilation"]))
        height = pool_output_size(int(x.shape[2]), kh, sh, ph, dh, bool(b["ceil_mode"]))
        width = pool_output_size(int(x.shape[3]), kw, sw, pw, dw, bool(b["ceil_mode"]))
    except (ValueError, TypeError):
        return None
    return _empty_like_shape(x, (x.shape[0], x.shape[1], height, width))


def _fast_adaptive(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
    b = _bind(args, kwargs, ("input", "output_size"), {})
    x, size = b["input"], b.get("output_size")
    if not _same_meta(x) or x.dim() != 4 or size is None:
        return None
    try:
        height, width = (s if s is not None else x.shape[2 + i] for i, s in enumerate(pair(size) if isinstance(size, int) else tuple(size)))
    except (TypeError, ValueError):
        return None
    if height < 1 or width < 1:
        return None
    return _empty_like_shape(x, (x.shape[0], x.shape[1], int(height), int(width)))


_FAST: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], torch.Tensor | None]] = {
    "conv2d": _fast_conv2d,
    "linear": _fast_linear,
    "max_pool2d": lambda args, kwargs: _fast_pool("max_pool2d", args, kwargs),
    "avg_pool2d": lambda args, kwargs: _fast_pool("avg_pool2d", args, kwargs),
    "adaptive_avg_pool2d": _fast_adaptive,
}


class _Recorder(TorchFunctionMode):
    """Sees every torch call of the forward pass; keeps the ones that compute on the activation."""

    def __init__(self, model: nn.Module, fast: bool = True) -> None:
        super().__init__()
        self.fast = fast
        self.root = model
        named = list(model.named_modules(remove_duplicate=False))  # one walk serves every lookup below
        self.module_names = {id(m): name for name, m in named}
        self.param_names: dict[int, str] = {}
        self.param_numel: dict[int, int] = {}
        for module_name, module in named:
            for param_name, param in module._parameters.items():
                if param is not None and id(param) not in self.param_names:
                    self.param_names[id(param)] = f"{module_name}.{param_name}" if module_name else param_name
                    self.param_numel[id(param)] = param.numel()
        self.modules = [m for _, m in named]
        self.rows: list[OpRow] = []
        self.finished_modules: list[tuple[nn.Module, Any]] = []  # (module, output) in completion order
        self.activations: set[int] = set()
        self.derived: dict[int, tuple[int, ...]] = {}  # tensor computed from parameters only -> those params
        self.used_params: set[int] = set()  # parameters already attributed to a row
        self.keep_alive: list[Any] = []  # ids stay unique while the trace runs
        self.module_stack: list[nn.Module] = []
        self.weight_layers = 0

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
        for module, output in self.finished_modules:
            if isinstance(module, (nn.Sequential, nn.ModuleList)) or module is self.root:
                continue
            if isinstance(output, (list, tuple)):
                shape: list[Any] = [[-1, *list(o.size())[1:]] for o in output]
            else:
                shape = [-1, *list(output.size())[1:]]
            params, trainable = 0, None
            weight, bias = getattr(module, "weight", None), getattr(module, "bias", None)
            if weight is not None and hasattr(weight, "size"):
                params += math.prod(weight.size())
                trainable = weight.requires_grad
            if bias is not None and hasattr(bias, "size"):
                params += math.prod(bias.size())
            rows.append(ModuleRow(f"{type(module).__name__}-{len(rows) + 1}", shape, params, trainable))
        return rows

    # -- the op record -------------------------------------------------------------------------------
    def __torch_function__(
        self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        kwargs = kwargs or {}
        name = _canonical_name(func)
        if name in _QUERIES:
            return func(*args, **kwargs)
        fast = _FAST.get(name) if self.fast else None
        result = fast(args, kwargs) if fast is not None else None
        if result is None:
            result = func(*args, **kwargs)
        outputs = _flat_tensors(result)
        if not outputs:
            return result
        self.keep_alive.append(result)
        params: dict[int, None] = {}  # ordered as the call takes them: weight before bias
        on_data_path = None
        for tensor in _flat_tensors(args) + (_flat_tensors(kwargs) if kwargs else []):
            key = id(tensor)
            if key in self.activations:
                if on_data_path is None:
                    on_data_path = tensor
            elif key in self.param_names:
                params[key] = None
            elif key in self.derived:
                params.update(dict.fromkeys(self.derived[key]))
        if on_data_path is None:  # computed from parameters or constants only, e.g. self.w.t()
            for tensor in outputs:
                self.derived[id(tensor)] = tuple(params)
            return result
        for tensor in outputs:
            self.activations.add(id(tensor))
        if name in _PASSTHROUGH:
            return result
        self._record(name, args, kwargs, on_data_path, outputs[0], params)
        return result

    def _record(
        self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], x: torch.Tensor, output: torch.Tensor,
        params: dict[int, None],
    ) -> None:
        in_shape = tuple(x.shape[1:])
        out_shape = tuple(output.shape[1:])
        if name in _RESHAPES:
            if out_shape == in_shape and not params:
                return
            if output.dim() == 2 and x.dim() > 2 and output.shape[0] == x.shape[0]:
                name = "flatten"
            else:
                name = "reshape"
        hparams: dict[str, Any] = {}
        macs = 0
        if name == "conv2d":
            hparams, macs = _conv_hparams(args, kwargs, output)
        elif name == "linear":
            hparams, macs = _linear_hparams(args, kwargs, output)
        elif name in ("max_pool2d", "avg_pool2d"):
            hparams = _pool_hparams(name, args, kwargs)
        elif name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
            size = args[1] if len(args) > 1 else kwargs.get("output_size")
            hparams = {"output_size": _compact(pair(size)) if size is not None else None}
        elif name.startswith("dropout") or name in ("alpha_dropout", "feature_alpha_dropout"):
            hparams = {"p": float(kwargs.get("p", args[1] if len(args) > 1 else 0.5))}
        elif name in ("cat", "softmax", "log_softmax"):
            dim = kwargs.get("dim", args[1] if len(args) > 1 else None)
            hparams = {"dim": int(dim) if dim is not None else None}
        new_params = [key for key in params if key not in self.used_params]  # a shared parameter counts once
        self.used_params.update(new_params)
        layer = None
        if name in WEIGHT_OPS:
            self.weight_layers += 1
            layer = self.weight_layers
        module = self.module_stack[-1] if self.module_stack else self.root
        self.rows.append(OpRow(
            op=name,
            output_shape=out_shape,
            input_shape=in_shape,
            params=sum(self.param_numel[key] for key in new_params),
            macs=macs,
            hparams=hparams,
            module=self.module_names.get(id(module), ""),
            module_type=type(module).__name__,
            layer=layer,
            param_names=tuple(self.param_names[key] for key in new_params),
        ))


def _model_device_dtype(model: nn.Module) -> tuple[torch.device, torch.dtype]:
    for tensor in list(model.parameters()) + list(model.buffers()):
        if tensor.is_floating_point():
            return tensor.device, tensor.dtype
    for tensor in list(model.parameters()) + list(model.buffers()):
        return tensor.device, torch.get_default_dtype()
    return torch.device("meta"), torch.get_default_dtype()


def trace(
    model: nn.Module,
    input_shape: tuple[int, ...] | list[int],
    batch_size: int = 2,
    name: str | None = None,
    fast: bool = True,
) -> Trace:
    """Run ``model`` once on a batch of ``input_shape`` (C, H, W) and record every operation.

    The input lives where the model's parameters live: build the model on the meta device
    (``with torch.device("meta"): model = Net()``) to trace without memory or arithmetic. The model
    runs in eval mode (its training flags are restored afterwards). ``fast=False`` runs every meta
    kernel instead of computing the course's layer shapes with the formula library (for tests).
    """
    input_shape = tuple(int(v) for v in input_shape)
    device, dtype = _model_device_dtype(model)
    recorder = _Recorder(model, fast=fast)
    x = torch.empty((batch_size, *input_shape), device=device, dtype=dtype)
    recorder.activations.add(id(x))
    modes = [(module, module.training) for module in recorder.modules]
    for module, _ in modes:
        module.training = False
    pre = nn.modules.module.register_module_forward_pre_hook(recorder.pre_hook)
    post = nn.modules.module.register_module_forward_hook(recorder.post_hook)
    try:
        with torch.no_grad(), recorder:
            output = model(x)
    finally:
        pre.remove()
        post.remove()
        for module, training in modes:
            module.training = training
    output_tensor = next(_tensors(output), None)
    params = [p for p in model.parameters()]  # parameters() counts a shared parameter once
    return Trace(
        model=name or type(model).__name__,
        input_shape=input_shape,
        rows=recorder.rows,
        module_rows=recorder.module_rows(),
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        output_shape=tuple(output_tensor.shape[1:]) if output_tensor is not None else (),
    )
