"""An op-level shape tracer that runs on the meta device.

It records every torch function the forward pass calls (through a ``TorchFunctionMode``), not only
module calls: ``F.relu`` in ``forward`` shows up exactly as ``nn.ReLU`` does, and ``x.view(n, -1)``,
``x.reshape``, ``torch.flatten`` and ``nn.Flatten`` all become one canonical ``flatten`` row. On the
meta device VGG16's 138M parameters cost no memory and no arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.formulas import conv_output_size, pair, pool_output_size
from grader.protocol import WEIGHT_OPS, OpRow

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


# -- the hot path's common spellings -------------------------------------------------------------------
# nn.Conv2d, nn.Linear, nn.MaxPool2d and nn.AdaptiveAvgPool2d call torch with plain tensors and ints or
# int pairs. For exactly those calls the functions below compute what the general code after them
# computes, without binding names to a dict; anything else (other types, strings, kwargs spellings, sizes
# torch would reject) goes to the general code, so results and errors are the same either way.
_Tensor = torch.Tensor
_Parameter = nn.Parameter
_META = torch.device("meta")
_empty = torch.empty  # torch.empty(*sizes) parses its arguments faster than torch.empty(sizes)


def _int2(value: Any) -> tuple[int, int] | None:
    """``pair(value)`` when value is an int or a pair of ints (bool excluded), else None."""
    if type(value) is int:
        return (value, value)
    if type(value) is tuple and len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
        return value
    return None


def _plain_meta(tensor: Any) -> bool:
    """A plain tensor or parameter on the meta device (subclasses go to the general code)."""
    kind = type(tensor)
    return (kind is _Tensor or kind is _Parameter) and tensor.is_meta


def _plain(tensor: Any) -> bool:
    kind = type(tensor)
    return kind is _Tensor or kind is _Parameter


def _conv_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int | None:
    """formulas.conv_output_size for ints, None where it raises ValueError."""
    if size < 1 or kernel < 1 or stride < 1 or padding < 0 or dilation < 1:
        return None
    span = dilation * (kernel - 1) + 1
    padded = size + 2 * padding
    if span > padded:
        return None
    return (padded - span) // stride + 1


def _pool_size(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int | None:
    """formulas.pool_output_size for ints, None where it raises ValueError."""
    if size < 1 or kernel < 1 or stride < 1 or padding < 0 or dilation < 1 or padding > kernel // 2:
        return None
    numerator = size + 2 * padding - (dilation * (kernel - 1) + 1)
    if numerator < 0:
        return None
    if ceil_mode:
        out = -(-numerator // stride) + 1
        if (out - 1) * stride >= size + padding:
            out -= 1
        return out
    return numerator // stride + 1


def _conv_hparams(args: tuple[Any, ...], kwargs: dict[str, Any], output: torch.Tensor) -> tuple[dict[str, Any], int]:
    if len(args) == 7 and not kwargs:  # nn.Conv2d's call
        weight, bias, groups = args[1], args[2], args[6]
        if type(groups) is int and _plain(weight) and weight.dim() == 4:
            stride, padding, dilation = _int2(args[3]), _int2(args[4]), _int2(args[5])
            if stride is not None and padding is not None and dilation is not None:
                out_channels, in_per_group, kh, kw = weight.shape
                hparams = {
                    "in_channels": in_per_group * groups,
                    "out_channels": out_channels,
                    "kernel_size": kh if kh == kw else (kh, kw),
                    "stride": stride[0] if stride[0] == stride[1] else stride,
                    "padding": padding[0] if padding[0] == padding[1] else padding,
                    "dilation": dilation[0] if dilation[0] == dilation[1] else dilation,
                    "groups": groups,
                    "bias": bias is not None,
                }
                return hparams, math.prod(output.shape[1:]) * in_per_group * kh * kw
    return _conv_hparams_general(args, kwargs, output)


def _conv_hparams_general(args: tuple[Any, ...], kwargs: dict[str, Any], output: torch.Tensor) -> tuple[dict[str, Any], int]:
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
    if (len(args) == 3 or len(args) == 2) and not kwargs:  # nn.Linear's call, F.linear(x, w)
        weight = args[1]
        if _plain(weight) and weight.dim() == 2:
            out_features, in_features = weight.shape
            bias = args[2] if len(args) == 3 else None
            hparams = {"in_features": in_features, "out_features": out_features, "bias": bias is not None}
            return hparams, math.prod(output.shape[1:]) * in_features
    b = _bind(args, kwargs, ("input", "weight", "bias"), {"bias": None})
    out_features, in_features = b["weight"].shape
    hparams = {"in_features": int(in_features), "out_features": int(out_features), "bias": b["bias"] is not None}
    return hparams, math.prod(output.shape[1:]) * int(in_features)


_MAX_POOL_KEYWORDS = frozenset(("stride", "padding", "dilation", "ceil_mode", "return_indices"))


def _max_pool_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    """(input, kernel, stride, padding, dilation, ceil_mode) as int pairs for F.max_pool2d's usual call
    (input and kernel_size positional, the rest by keyword, no indices), else None."""
    if len(args) != 2:
        return None
    for key in kwargs:
        if key not in _MAX_POOL_KEYWORDS:  # input or kernel_size given twice, or a name torch does not take
            return None
    get = kwargs.get
    ceil_mode = get("ceil_mode", False)
    if get("return_indices", False) is not False or type(ceil_mode) is not bool:
        return None
    kernel = _int2(args[1])
    stride = get("stride")
    stride = kernel if stride is None else _int2(stride)
    padding, dilation = _int2(get("padding", 0)), _int2(get("dilation", 1))
    if kernel is None or stride is None or padding is None or dilation is None:
        return None
    return args[0], kernel, stride, padding, dilation, ceil_mode


def _pool_hparams(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    if name == "max_pool2d":
        call = _max_pool_call(args, kwargs)
        if call is not None:
            _, kernel, stride, padding, dilation, ceil_mode = call
            return {
                "kernel_size": kernel[0] if kernel[0] == kernel[1] else kernel,
                "stride": stride[0] if stride[0] == stride[1] else stride,
                "padding": padding[0] if padding[0] == padding[1] else padding,
                "ceil_mode": ceil_mode,
                "dilation": dilation[0] if dilation[0] == dilation[1] else dilation,
            }
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
    if len(args) == 7 and not kwargs:  # nn.Conv2d's call: F.conv2d(input, weight, bias, stride, padding, dilation, groups)
        x, weight, bias, stride, padding, dilation, groups = args
        if (
            type(groups) is int and groups > 0 and _plain_meta(x) and _plain_meta(weight) and weight.dtype == x.dtype
            and (bias is None or (_plain_meta(bias) and bias.dtype == x.dtype)) and x.dim() == 4 and weight.dim() == 4
        ):
            stride, padding, dilation = _int2(stride), _int2(padding), _int2(dilation)
            if stride is not None and padding is not None and dilation is not None:
                n, channels, h, w = x.shape
                out_channels, in_per_group, kh, kw = weight.shape
                if channels != in_per_group * groups or out_channels % groups:
                    return None
                if bias is not None and tuple(bias.shape) != (out_channels,):
                    return None
                height = _conv_size(h, kh, stride[0], padding[0], dilation[0])
                width = _conv_size(w, kw, stride[1], padding[1], dilation[1])
                if height is None or width is None:
                    return None
                return torch.empty((n, out_channels, height, width), device=_META, dtype=x.dtype)
    return _fast_conv2d_general(args, kwargs)


def _fast_conv2d_general(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
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
    if (len(args) == 3 or len(args) == 2) and not kwargs:  # nn.Linear's call: F.linear(input, weight, bias)
        x, weight = args[0], args[1]
        bias = args[2] if len(args) == 3 else None
        if (
            _plain_meta(x) and _plain_meta(weight) and weight.dtype == x.dtype
            and (bias is None or (_plain_meta(bias) and bias.dtype == x.dtype))
        ):
            if weight.dim() != 2 or x.dim() < 1:
                return None
            shape, (out_features, in_features) = x.shape, weight.shape
            if shape[-1] != in_features or (bias is not None and tuple(bias.shape) != (out_features,)):
                return None
            return torch.empty((*shape[:-1], out_features), device=_META, dtype=x.dtype)
    b = _bind(args, kwargs, ("input", "weight", "bias"), {"bias": None})
    x, weight, bias = b["input"], b["weight"], b["bias"]
    if not _same_meta(x, weight, bias) or weight.dim() != 2 or x.dim() < 1 or x.shape[-1] != weight.shape[1]:
        return None
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        return None
    return _empty_like_shape(x, (*x.shape[:-1], weight.shape[0]))


def _fast_max_pool2d(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
    call = _max_pool_call(args, kwargs)
    if call is not None:
        x, kernel, stride, padding, dilation, ceil_mode = call
        if _plain_meta(x) and x.dim() == 4:
            n, channels, h, w = x.shape
            height = _pool_size(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
            width = _pool_size(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
            if height is None or width is None:
                return None
            return torch.empty((n, channels, height, width), device=_META, dtype=x.dtype)
    return _fast_pool("max_pool2d", args, kwargs)


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
    if len(args) == 2 and not kwargs:  # nn.AdaptiveAvgPool2d's call: F.adaptive_avg_pool2d(input, output_size)
        x, size = args[0], _int2(args[1])
        if size is not None and _plain_meta(x) and x.dim() == 4:
            if size[0] < 1 or size[1] < 1:
                return None
            n, channels, _, _ = x.shape
            return torch.empty((n, channels, size[0], size[1]), device=_META, dtype=x.dtype)
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


def _strides_like_channels_last(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """torch._prims_common.are_strides_like_channels_last_or_false for int sizes, without the import of
    torch.fx.experimental.symbolic_shapes (and sympy) it makes."""
    if len(shape) == 4:
        order: tuple[int, ...] = (1, 3, 2, 0)
    elif len(shape) == 5:
        order = (1, 4, 3, 2, 0)
    else:
        return False
    if strides[1] == 0:
        return False
    low = 0
    for d in order:
        if shape[d] == 0 or strides[d] < low or (d == 0 and low == strides[1]):
            return False
        low = strides[d] * shape[d]
    return True


def _fast_cat(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
    """torch.cat(tensors, dim) of plain meta tensors of one dtype and rank that agree off ``dim`` (none
    empty, no autograd): torch's meta kernel for cat is written in Python and takes about 0.5 ms."""
    if kwargs or not (len(args) == 1 or len(args) == 2):
        return None
    tensors, dim = args[0], (args[1] if len(args) == 2 else 0)
    if type(dim) is not int or not (type(tensors) is list or type(tensors) is tuple) or not tensors:
        return None
    first = tensors[0]
    if not _plain_meta(first):
        return None
    dtype, shape = first.dtype, first.shape
    rank = len(shape)
    if rank == 0 or not -rank <= dim < rank:
        return None
    dim %= rank
    before, after = shape[:dim], shape[dim + 1:]
    total = 0
    for tensor in tensors:
        if not _plain_meta(tensor) or tensor.dtype != dtype or tensor.requires_grad:
            return None
        size = tensor.shape
        if len(size) != rank or 0 in size or size[:dim] != before or size[dim + 1:] != after:
            return None
        total += size[dim]
    # torch's cat returns a contiguous tensor when its first input suggests the contiguous format
    if first.layout != torch.strided or _strides_like_channels_last(shape, first.stride()):
        return None
    return _empty(*before, total, *after, device=_META, dtype=dtype)


_FAST: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], torch.Tensor | None]] = {
    "cat": _fast_cat,
    "conv2d": _fast_conv2d,
    "linear": _fast_linear,
    "max_pool2d": _fast_max_pool2d,
    "avg_pool2d": lambda args, kwargs: _fast_pool("avg_pool2d", args, kwargs),
    "adaptive_avg_pool2d": _fast_adaptive,
}


# -- walking the model ----------------------------------------------------------------------------------
_MODULE = nn.Module
_OBJECT_HASH = object.__hash__
_OBJECT_GETATTRIBUTE = object.__getattribute__


def _plain_walk(kind: type) -> bool:
    """Whether nn.Module's own named_modules walks instances of ``kind`` (and hashes them by identity)."""
    return kind.named_modules is _MODULE.named_modules and kind.__hash__ is _OBJECT_HASH


class _Scan:
    """What the tracer reads from a plain model before the run, in one walk: what
    ``model.named_modules(remove_duplicate=False)`` lists, the parameters as ``model.parameters()``
    yields them with their qualified names and sizes, and every module's training flag."""

    __slots__ = ("module_names", "modules", "param_names", "param_numel", "params", "training")

    def __init__(self) -> None:
        self.module_names: dict[int, str] = {}
        self.modules: list[nn.Module] = []
        self.param_names: dict[int, str] = {}
        self.param_numel: dict[int, int] = {}
        self.params: list[nn.Parameter] = []
        self.training: list[tuple[nn.Module, Any, bool]] = []  # what _set_eval saves


def _scan(model: nn.Module) -> _Scan | None:
    """The _Scan of a model whose modules keep nn.Module's own walking, hashing and parameters() and whose
    parameters are plain nn.Parameter; None for any other model (the caller then reads it the usual way)."""
    if not _plain_parameters(model):
        return None
    scan = _Scan()
    module_names, modules, param_names, param_numel, params, training = (
        scan.module_names, scan.modules, scan.param_names, scan.param_numel, scan.params, scan.training
    )
    kinds: dict[type, bool] = {}  # type -> whether its training flag lives in the instance dict
    stack = [("", model)]
    while stack:
        prefix, module = stack.pop()
        kind = type(module)
        plain_training = kinds.get(kind)
        if plain_training is None:
            if not _plain_walk(kind):
                return None
            plain_training = kinds[kind] = _plain_training(kind)
        module_names[id(module)] = prefix  # a module met twice keeps its last name, as in the dict built from the walk
        modules.append(module)
        state = module.__dict__
        for param_name, param in module._parameters.items():
            if param is not None and id(param) not in param_names:
                if type(param) is not _Parameter:  # a subclass may hash, compare or count its own way
                    return None
                param_names[id(param)] = f"{prefix}.{param_name}" if prefix else param_name
                param_numel[id(param)] = param.numel()
                params.append(param)
        if plain_training and "training" in state and not (
            "training" in state.get("_parameters", ()) or "training" in state.get("_buffers", ())
            or "training" in state.get("_modules", ())
        ):
            training.append((module, state["training"], True))
        else:
            training.append((module, module.training, False))
        children = module._modules
        if children:
            dot = prefix + "." if prefix else ""
            stack.extend([(dot + name, child) for name, child in reversed(children.items()) if child is not None])
    return scan


def _plain_parameters(model: nn.Module) -> bool:
    kind = type(model)
    return (
        kind.parameters is _MODULE.parameters and kind.named_parameters is _MODULE.named_parameters
        and kind._named_members is _MODULE._named_members
    )


def _parameters(model: nn.Module) -> list[nn.Parameter]:
    """``list(model.parameters())``: each parameter once, in the order of the module walk (a module met
    again adds no parameter that was not met before)."""
    if not _plain_parameters(model):
        return list(model.parameters())
    found: list[nn.Parameter] = []
    seen: set[int] = set()
    checked: set[type] = set()
    stack = [model]
    while stack:
        module = stack.pop()
        kind = type(module)
        if kind not in checked:
            if not _plain_walk(kind):
                return list(model.parameters())
            checked.add(kind)
        for param in module._parameters.values():
            if param is not None and id(param) not in seen:
                if type(param) is not _Parameter:  # a subclass may hash or compare its own way
                    return list(model.parameters())
                seen.add(id(param))
                found.append(param)
        children = module._modules
        if children:
            stack.extend([child for child in reversed(children.values()) if child is not None])
    return found


class _Recorder(TorchFunctionMode):
    """Sees every torch call of the forward pass; keeps the ones that compute on the activation."""

    def __init__(self, model: nn.Module, fast: bool = True, scan: _Scan | None = None) -> None:
        super().__init__()
        self.fast = fast
        self.root = model
        if scan is not None:  # the same walk, made by _scan
            self.module_names, self.param_names, self.param_numel = scan.module_names, scan.param_names, scan.param_numel
            self.modules = scan.modules
        else:
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
        self.activations: dict[int, int] = {}  # id of a tensor on the data path -> the row that made it (-1: input)
        self.current_inputs: tuple[int, ...] = ()  # the producers of the row being recorded
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
        stack = self.module_stack
        if stack and stack[-1] is module:
            stack.pop()
        self.finished_modules.append((module, output))

    def module_rows(self) -> list[ModuleRow]:
        """torchsummary's own rules: every module but containers and the model itself, weight + bias
        counted per module, output shape with batch -1."""
        rows: list[ModuleRow] = []
        plain_types: dict[type, bool] = {}  # getattr(module, name, None) may read the instance directly
        containers, root, parameter, prod = (nn.Sequential, nn.ModuleList), self.root, _Parameter, math.prod
        for module, output in self.finished_modules:
            if isinstance(module, containers) or module is root:
                continue
            if isinstance(output, (list, tuple)):
                shape: list[Any] = [[-1, *list(o.size())[1:]] for o in output]
            else:
                shape = list(output.size())  # [-1, *list(output.size())[1:]]
                if shape:
                    shape[0] = -1
                else:
                    shape = [-1]
            kind = type(module)
            plain = plain_types.get(kind)
            if plain is None:
                plain = plain_types[kind] = _plain_getattr(kind)
            if plain:
                weight, bias = _weight_and_bias(module.__dict__)
            else:
                weight, bias = getattr(module, "weight", None), getattr(module, "bias", None)
            params, trainable = 0, None
            if weight is not None and (type(weight) is parameter or hasattr(weight, "size")):
                params += prod(weight.size())
                trainable = weight.requires_grad
            if bias is not None and (type(bias) is parameter or hasattr(bias, "size")):
                params += prod(bias.size())
            rows.append(ModuleRow(f"{kind.__name__}-{len(rows) + 1}", shape, params, trainable))
        return rows

    # -- the op record -------------------------------------------------------------------------------
    def __torch_function__(
        self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        kwargs = kwargs or {}
        try:
            name = _NAMES[func]
        except (KeyError, TypeError):
            name = _canonical_name(func)
        if name in _QUERIES:
            return func(*args, **kwargs)
        result = None
        if self.fast:
            special = _SPECIAL.get(name)
            if special is not None:
                result = special(self, func, args, kwargs)
                if result is not _UNHANDLED:
                    return result
                result = None
            fast = _FAST.get(name)
            if fast is not None:
                result = fast(args, kwargs)
        if result is None:
            result = func(*args, **kwargs)
        return self._finish(name, args, kwargs, result)

    def _finish(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any) -> Any:
        """Everything __torch_function__ does once the call has its result."""
        if isinstance(result, _Tensor):
            outputs = [result]
        else:
            outputs = _flat_tensors(result)
            if not outputs:
                return result
        self.keep_alive.append(result)
        # the tensors among the arguments, as _flat_tensors(args) + _flat_tensors(kwargs) lists them
        tensors: list[torch.Tensor] = []
        for value in (args, kwargs.values()) if kwargs else (args,):
            for item in value:
                if isinstance(item, _Tensor):
                    tensors.append(item)
                elif isinstance(item, (list, tuple)):
                    for inner in item:
                        if isinstance(inner, _Tensor):
                            tensors.append(inner)
        params: dict[int, None] = {}  # ordered as the call takes them: weight before bias
        on_data_path = None
        activations, param_names, derived = self.activations, self.param_names, self.derived
        for tensor in tensors:
            key = id(tensor)
            if key in activations:
                if on_data_path is None:
                    on_data_path = tensor
            elif key in param_names:
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
            self.current_inputs = tuple(dict.fromkeys(activations[id(t)] for t in tensors if id(t) in activations))
            self._record(name, args, kwargs, on_data_path, outputs[0], params)
            if len(self.rows) > rows_before:
                producer = len(self.rows) - 1
        for tensor in outputs:
            activations[id(tensor)] = producer
        return result

    def _weighted_call(self, result: torch.Tensor, tensors: tuple[Any, ...]) -> tuple[Any, dict[int, None]] | None:
        """The bookkeeping of __torch_function__ for a call whose only tensors are ``tensors`` (None
        entries skipped) and whose result is the tensor ``result``: (the input on the data path, the
        parameters it used), or None when the result is derived from parameters only."""
        self.keep_alive.append(result)
        params: dict[int, None] = {}
        on_data_path = None
        activations, param_names, derived = self.activations, self.param_names, self.derived
        for tensor in tensors:
            if tensor is None:
                continue
            key = id(tensor)
            if key in activations:
                if on_data_path is None:
                    on_data_path = tensor
            elif key in param_names:
                params[key] = None
            elif key in derived:
                params.update(dict.fromkeys(derived[key]))
        if on_data_path is None:
            self.derived[id(result)] = tuple(params)
            return None
        self.current_inputs = (activations[id(on_data_path)],)
        activations[id(result)] = len(self.rows)  # the row the caller records next
        return on_data_path, params

    def _record(
        self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], x: torch.Tensor, output: torch.Tensor,
        params: dict[int, None],
    ) -> None:
        in_shape = tuple(x.shape[1:])
        out_shape = in_shape if output is x else tuple(output.shape[1:])
        if name in _RESHAPES:
            if out_shape == in_shape and not params:
                return
            if output.dim() == 2 and x.dim() > 2 and output.shape[0] == x.shape[0]:
                name = "flatten"
            else:
                name = "reshape"
        hparams: dict[str, Any] = {}
        macs = 0
        if name == "mean" and x.dim() == 4 and _means_over_height_and_width(args, kwargs):
            # x.mean((2, 3)) is global average pooling, as nn.AdaptiveAvgPool2d(1) (+ flatten) writes it
            pooled = (in_shape[0], 1, 1)
            self._add_row("adaptive_avg_pool2d", pooled, in_shape, params, 0, {"output_size": 1})
            if out_shape != pooled:
                self.current_inputs = (len(self.rows) - 1,)
                self._add_row("flatten", out_shape, pooled, {}, 0, {})
            return
        if name == "relu":
            pass
        elif name == "conv2d":
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
        self._add_row(name, out_shape, in_shape, params, macs, hparams)

    def _add_row(
        self, name: str, out_shape: tuple[int, ...], in_shape: tuple[int, ...], params: dict[int, None], macs: int,
        hparams: dict[str, Any],
    ) -> None:
        count, names = 0, ()
        if params:
            used, param_numel, param_names = self.used_params, self.param_numel, self.param_names
            new_names = []
            for key in params:
                if key not in used:  # a shared parameter counts once
                    used.add(key)
                    count += param_numel[key]
                    new_names.append(param_names[key])
            names = tuple(new_names)
        layer = None
        if name in WEIGHT_OPS:
            self.weight_layers += 1
            layer = self.weight_layers
        stack = self.module_stack
        module = stack[-1] if stack else self.root
        self.rows.append(OpRow(
            name, out_shape, in_shape, count, macs, hparams, self.module_names.get(id(module), ""),
            type(module).__name__, layer, names, self.current_inputs,
        ))


def _means_over_height_and_width(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    dim = kwargs.get("dim", args[1] if len(args) > 1 else None)
    if dim is None:
        return False
    dims = {d % 4 for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
    return dims == {2, 3}


# -- the layers of the course in one step -----------------------------------------------------------------
# For the usual calls (see _fast_conv2d and friends) these do what __torch_function__ does with the fast
# path: the same output tensor, bookkeeping and row, with the shapes known as ints. _UNHANDLED: not handled
# here (nothing has been run or recorded), the general code takes the call.
_UNHANDLED = object()


def _relu_op(recorder: _Recorder, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """relu runs its real kernel (in place, it returns its input); the bookkeeping is __torch_function__'s
    for a call whose only tensor is its input."""
    if len(args) != 1 or (kwargs and (len(kwargs) != 1 or type(kwargs.get("inplace")) is not bool)):
        return _UNHANDLED
    x = args[0]
    if not isinstance(x, _Tensor):
        return _UNHANDLED
    result = func(*args, **kwargs)
    if type(result) is not _Tensor:
        return recorder._finish("relu", args, kwargs, result)
    recorder.keep_alive.append(result)
    key = id(x)
    if key in recorder.activations:
        recorder.current_inputs = (recorder.activations[key],)
        recorder.activations[id(result)] = len(recorder.rows)
        in_shape = tuple(x.shape[1:])
        recorder._add_row("relu", in_shape if result is x else tuple(result.shape[1:]), in_shape, {}, 0, {})
    elif key in recorder.param_names:
        recorder.derived[id(result)] = (key,)
    else:
        recorder.derived[id(result)] = recorder.derived.get(key, ())
    return result

def _conv2d_op(recorder: _Recorder, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if len(args) != 7 or kwargs:
        return _UNHANDLED
    x, weight, bias, stride, padding, dilation, groups = args
    kind, weight_kind = type(x), type(weight)
    if not (
        (kind is _Tensor or kind is _Parameter) and (weight_kind is _Parameter or weight_kind is _Tensor)
        and type(groups) is int and groups > 0 and x.is_meta and weight.is_meta
    ):
        return _UNHANDLED
    dtype, shape, weight_shape = x.dtype, x.shape, weight.shape
    if weight.dtype != dtype or len(shape) != 4 or len(weight_shape) != 4:
        return _UNHANDLED
    if bias is not None:
        bias_kind = type(bias)
        if not ((bias_kind is _Parameter or bias_kind is _Tensor) and bias.is_meta and bias.dtype == dtype):
            return _UNHANDLED
    stride, padding, dilation = _int2(stride), _int2(padding), _int2(dilation)
    if stride is None or padding is None or dilation is None:
        return _UNHANDLED
    n, channels, h, w = shape
    out_channels, in_per_group, kh, kw = weight_shape
    if channels != in_per_group * groups or out_channels % groups:
        return _UNHANDLED
    if bias is not None and bias.shape != (out_channels,):
        return _UNHANDLED
    height = _conv_size(h, kh, stride[0], padding[0], dilation[0])
    width = _conv_size(w, kw, stride[1], padding[1], dilation[1])
    if height is None or width is None:
        return _UNHANDLED
    result = _empty(n, out_channels, height, width, device=_META, dtype=dtype)
    found = recorder._weighted_call(result, (x, weight, bias))
    if found is not None:
        source, params = found
        hparams = {
            "in_channels": in_per_group * groups,
            "out_channels": out_channels,
            "kernel_size": kh if kh == kw else (kh, kw),
            "stride": stride[0] if stride[0] == stride[1] else stride,
            "padding": padding[0] if padding[0] == padding[1] else padding,
            "dilation": dilation[0] if dilation[0] == dilation[1] else dilation,
            "groups": groups,
            "bias": bias is not None,
        }
        in_shape = (channels, h, w) if source is x else tuple(source.shape[1:])
        macs = out_channels * height * width * in_per_group * kh * kw
        recorder._add_row("conv2d", (out_channels, height, width), in_shape, params, macs, hparams)
    return result


def _linear_op(recorder: _Recorder, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if not (len(args) == 3 or len(args) == 2) or kwargs:
        return _UNHANDLED
    x, weight = args[0], args[1]
    bias = args[2] if len(args) == 3 else None
    if not (
        _plain_meta(x) and _plain_meta(weight) and weight.dtype == x.dtype
        and (bias is None or (_plain_meta(bias) and bias.dtype == x.dtype)) and weight.dim() == 2 and x.dim() >= 1
    ):
        return _UNHANDLED
    shape, (out_features, in_features) = x.shape, weight.shape
    if shape[-1] != in_features or (bias is not None and tuple(bias.shape) != (out_features,)):
        return _UNHANDLED
    result = _empty(*shape[:-1], out_features, device=_META, dtype=x.dtype)
    found = recorder._weighted_call(result, (x, weight, bias))
    if found is not None:
        source, params = found
        hparams = {"in_features": in_features, "out_features": out_features, "bias": bias is not None}
        in_shape = tuple(shape[1:]) if source is x else tuple(source.shape[1:])
        out_shape = (*shape[1:-1], out_features) if len(shape) > 1 else ()
        recorder._add_row("linear", out_shape, in_shape, params, math.prod(out_shape) * in_features, hparams)
    return result


def _max_pool2d_op(recorder: _Recorder, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    call = _max_pool_call(args, kwargs)
    if call is None:
        return _UNHANDLED
    x, kernel, stride, padding, dilation, ceil_mode = call
    if not (_plain_meta(x) and x.dim() == 4):
        return _UNHANDLED
    n, channels, h, w = x.shape
    height = _pool_size(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    width = _pool_size(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    if height is None or width is None:
        return _UNHANDLED
    result = _empty(n, channels, height, width, device=_META, dtype=x.dtype)
    found = recorder._weighted_call(result, (x,))
    if found is not None:
        hparams = {
            "kernel_size": kernel[0] if kernel[0] == kernel[1] else kernel,
            "stride": stride[0] if stride[0] == stride[1] else stride,
            "padding": padding[0] if padding[0] == padding[1] else padding,
            "ceil_mode": ceil_mode,
            "dilation": dilation[0] if dilation[0] == dilation[1] else dilation,
        }
        recorder._add_row("max_pool2d", (channels, height, width), (channels, h, w), found[1], 0, hparams)
    return result


def _adaptive_avg_pool2d_op(recorder: _Recorder, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if len(args) != 2 or kwargs:
        return _UNHANDLED
    x, size = args[0], _int2(args[1])
    if size is None or size[0] < 1 or size[1] < 1 or not (_plain_meta(x) and x.dim() == 4):
        return _UNHANDLED
    n, channels, h, w = x.shape
    result = _empty(n, channels, size[0], size[1], device=_META, dtype=x.dtype)
    found = recorder._weighted_call(result, (x,))
    if found is not None:
        hparams = {"output_size": size[0] if size[0] == size[1] else size}
        recorder._add_row("adaptive_avg_pool2d", (channels, size[0], size[1]), (channels, h, w), found[1], 0, hparams)
    return result


_SPECIAL: dict[str, Callable[[_Recorder, Any, tuple[Any, ...], dict[str, Any]], Any]] = {
    "relu": _relu_op,
    "conv2d": _conv2d_op,
    "linear": _linear_op,
    "max_pool2d": _max_pool2d_op,
    "adaptive_avg_pool2d": _adaptive_avg_pool2d_op,
}


_MODULE_GETATTR = nn.Module.__getattr__


def _plain_getattr(kind: type) -> bool:
    """Whether ``getattr(m, "weight"/"bias", None)`` for instances of ``kind`` is nn.Module's lookup:
    the instance dict, then _parameters, _buffers, _modules (no class attribute or descriptor of that name)."""
    return (
        kind.__getattribute__ is _OBJECT_GETATTRIBUTE and kind.__getattr__ is _MODULE_GETATTR
        and not any("weight" in vars(k) or "bias" in vars(k) for k in kind.__mro__)
    )


def _module_attr(state: dict[str, Any], name: str) -> Any:
    """``getattr(module, name, None)`` from the module's ``__dict__``, for a _plain_getattr class."""
    if name in state:
        return state[name]
    if "_parameters" in state:
        values = state["_parameters"]
        if name in values:
            return values[name]
    if "_buffers" in state:
        values = state["_buffers"]
        if name in values:
            return values[name]
    if "_modules" in state:
        values = state["_modules"]
        if name in values:
            return values[name]
    return None


def _weight_and_bias(state: dict[str, Any]) -> tuple[Any, Any]:
    """(_module_attr(state, "weight"), _module_attr(state, "bias")) in one go for the usual module."""
    if "weight" in state or "bias" in state or "_parameters" not in state or "_buffers" not in state or "_modules" not in state:
        return _module_attr(state, "weight"), _module_attr(state, "bias")
    parameters, buffers, modules = state["_parameters"], state["_buffers"], state["_modules"]
    if "weight" in parameters:
        weight = parameters["weight"]
    elif "weight" in buffers:
        weight = buffers["weight"]
    elif "weight" in modules:
        weight = modules["weight"]
    else:
        weight = None
    if "bias" in parameters:
        bias = parameters["bias"]
    elif "bias" in buffers:
        bias = buffers["bias"]
    elif "bias" in modules:
        bias = modules["bias"]
    else:
        bias = None
    return weight, bias


def _plain_training(kind: type) -> bool:
    """Whether ``module.training`` reads and writes the instance dict for instances of ``kind``."""
    return (
        kind.__setattr__ is _MODULE.__setattr__ and kind.__getattribute__ is _OBJECT_GETATTRIBUTE
        and not any("training" in vars(k) for k in kind.__mro__)
    )


def _model_device_dtype(model: nn.Module) -> tuple[torch.device, torch.dtype]:
    for tensor in list(model.parameters()) + list(model.buffers()):
        if tensor.is_floating_point():
            return tensor.device, tensor.dtype
    for tensor in list(model.parameters()) + list(model.buffers()):
        return tensor.device, torch.get_default_dtype()
    return torch.device("meta"), torch.get_default_dtype()


def _set_eval(modules: list[nn.Module]) -> list[tuple[nn.Module, Any, bool]]:
    """Every module's training flag set to False (as ``module.training = False`` does); returns what
    to restore."""
    saved: list[tuple[nn.Module, Any, bool]] = []
    plain_types: dict[type, bool] = {}
    for module in modules:
        kind = type(module)
        plain = plain_types.get(kind)
        if plain is None:
            plain = plain_types[kind] = _plain_training(kind)
        state = module.__dict__
        if plain and "training" in state and not (
            "training" in state.get("_parameters", ()) or "training" in state.get("_buffers", ())
            or "training" in state.get("_modules", ())
        ):
            saved.append((module, state["training"], True))
        else:
            saved.append((module, module.training, False))
    return _set_eval_saved(saved)


def _set_eval_saved(saved: list[tuple[nn.Module, Any, bool]]) -> list[tuple[nn.Module, Any, bool]]:
    for module, training, plain in saved:
        if not plain:
            module.training = False
        elif training is not False:  # writing False over False changes nothing
            module.__dict__["training"] = False
    return saved


def _restore_training(saved: list[tuple[nn.Module, Any, bool]]) -> None:
    for module, training, plain in saved:
        if plain and type(training) is bool:
            module.__dict__["training"] = training
        else:
            module.training = training


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
    scan = _scan(model)
    if scan is None:
        device, dtype = _model_device_dtype(model)
        recorder = _Recorder(model, fast=fast)
    else:
        device = dtype = None
        for param in scan.params:  # _model_device_dtype, from the walk
            if param.is_floating_point():
                device, dtype = param.device, param.dtype
                break
        if dtype is None:
            device, dtype = _model_device_dtype(model)
        recorder = _Recorder(model, fast=fast, scan=scan)
    x = torch.empty((batch_size, *input_shape), device=device, dtype=dtype)
    recorder.activations[id(x)] = -1
    saved = _set_eval(recorder.modules) if scan is None else _set_eval_saved(scan.training)
    pre = nn.modules.module.register_module_forward_pre_hook(recorder.pre_hook)
    post = nn.modules.module.register_module_forward_hook(recorder.post_hook)
    try:
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
        _restore_training(saved)
    output_tensor = next(_tensors(output), None)
    params = _parameters(model)  # parameters() counts a shared parameter once
    return Trace(
        model=name or type(model).__name__,
        input_shape=input_shape,
        rows=recorder.rows,
        module_rows=recorder.module_rows(),
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        output_shape=tuple(output_tensor.shape[1:]) if output_tensor is not None else (),
    )
