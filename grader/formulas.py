"""The course's "super important" formulas, with exactly torch's semantics.

Operation convention, used everywhere in cnn-dojo: MACs count the multiply-accumulates of
convolution and fully-connected layers only (bias additions, activations and pooling excluded), as
torchvision's published figures do (VGG16: 15.47 G). FLOPs = 2 x MACs. Every table says which it shows.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence

__all__ = [
    "conv_output_size",
    "pool_output_size",
    "conv2d_output_shape",
    "pool2d_output_shape",
    "conv_params",
    "linear_params",
    "conv_macs",
    "linear_macs",
    "receptive_field",
    "flops",
    "pair",
]

IntOrPair = int | Sequence[int]


def pair(value: IntOrPair, name: str = "value") -> tuple[int, int]:
    """(h, w) from an int or a pair (or one-item sequence) of ints, as torch's layers accept them. Like
    torch it refuses floats and bools; a ValueError names the parameter."""
    if type(value) is int:
        return (value, value)
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(items) == 1:
        items = items * 2
    if len(items) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    h, w = items
    if type(h) is not int or type(w) is not int:  # numpy ints pass, as torch takes them
        if isinstance(h, bool) or isinstance(w, bool) or not (hasattr(h, "__index__") and hasattr(w, "__index__")):
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        h, w = operator.index(h), operator.index(w)
    return (h, w)


def _check_int(name: str, value: int, minimum: int) -> None:
    if type(value) is not int:  # bool is not a size
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """W_out = floor((W_in + 2P - D(K-1) - 1) / S) + 1; with D = 1 it is floor((W_in - K + 2P) / S) + 1."""
    _check_int("size", size, 1)
    _check_int("kernel_size", kernel_size, 1)
    _check_int("stride", stride, 1)
    _check_int("padding", padding, 0)
    _check_int("dilation", dilation, 1)
    span = dilation * (kernel_size - 1) + 1
    padded = size + 2 * padding
    if span > padded:
        raise ValueError(
            f"kernel_size={kernel_size} (spanning {span} pixels with dilation={dilation}) does not fit the "
            f"padded input of {padded} = {size} + 2*{padding}: the output would be smaller than 1"
        )
    return (padded - span) // stride + 1


def pool_output_size(
    size: int,
    kernel_size: int,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """torch's pooling size: like the convolution's, stride defaults to kernel_size, and with
    ceil_mode=True the division rounds up unless the last window would start inside the right padding."""
    stride = kernel_size if stride is None else stride
    _check_int("size", size, 1)
    _check_int("kernel_size", kernel_size, 1)
    _check_int("stride", stride, 1)
    _check_int("padding", padding, 0)
    _check_int("dilation", dilation, 1)
    if padding > kernel_size // 2:
        raise ValueError(f"padding={padding} must be at most half of kernel_size={kernel_size} (torch's rule for pooling)")
    span = dilation * (kernel_size - 1) + 1
    # torch's pooling_output_shape: floor division, or ceiling with ceil_mode
    numerator = size + 2 * padding - span + (stride - 1 if ceil_mode else 0)
    out = numerator // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:  # the last window must start inside the input
        out -= 1
    if out < 1:
        raise ValueError(
            f"kernel_size={kernel_size} does not fit the padded input of {size + 2 * padding} = {size} + 2*{padding}: "
            "the output would be smaller than 1"
        )
    return out


def conv2d_output_shape(
    size: IntOrPair, kernel_size: IntOrPair, stride: IntOrPair = 1, padding: IntOrPair = 0, dilation: IntOrPair = 1
) -> tuple[int, int]:
    """(H_out, W_out) of a 2-D convolution: conv_output_size on each side, every argument an int or a pair."""
    (h, w), (kh, kw) = pair(size, "size"), pair(kernel_size, "kernel_size")
    (sh, sw), (ph, pw), (dh, dw) = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    return conv_output_size(h, kh, sh, ph, dh), conv_output_size(w, kw, sw, pw, dw)


def pool2d_output_shape(size: IntOrPair, kernel_size: IntOrPair, stride: IntOrPair | None = None,
                        padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False) -> tuple[int, int]:
    """(H_out, W_out) of 2-D max or average pooling: pool_output_size on each side, every argument an int
    or a pair (stride defaults to kernel_size)."""
    (h, w), (kh, kw) = pair(size, "size"), pair(kernel_size, "kernel_size")
    (sh, sw) = (kh, kw) if stride is None else pair(stride, "stride")
    (ph, pw), (dh, dw) = pair(padding, "padding"), pair(dilation, "dilation")
    return pool_output_size(h, kh, sh, ph, dh, ceil_mode), pool_output_size(w, kw, sw, pw, dw, ceil_mode)


def conv_params(
    in_channels: int, out_channels: int, kernel_size: IntOrPair, groups: int = 1, bias: bool = True
) -> int:
    """out * (in / groups) * K_h * K_w weights, + out biases."""
    _check_int("in_channels", in_channels, 1)
    _check_int("out_channels", out_channels, 1)
    _check_int("groups", groups, 1)
    if in_channels % groups:
        raise ValueError(f"in_channels={in_channels} must be divisible by groups={groups}")
    if out_channels % groups:
        raise ValueError(f"out_channels={out_channels} must be divisible by groups={groups}")
    kh, kw = pair(kernel_size, "kernel_size")
    _check_int("kernel_size", kh, 1)
    _check_int("kernel_size", kw, 1)
    return out_channels * (in_channels // groups) * kh * kw + (out_channels if bias else 0)


def linear_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """in * out weights, + out biases."""
    _check_int("in_features", in_features, 1)
    _check_int("out_features", out_features, 1)
    return in_features * out_features + (out_features if bias else 0)


def conv_macs(
    in_channels: int, out_channels: int, kernel_size: IntOrPair, output_size: IntOrPair, groups: int = 1
) -> int:
    """Multiply-accumulates for one image: every output value needs (in / groups) * K_h * K_w of them."""
    kh, kw = pair(kernel_size, "kernel_size")
    oh, ow = pair(output_size, "output_size")
    if in_channels % groups:
        raise ValueError(f"in_channels={in_channels} must be divisible by groups={groups}")
    return out_channels * oh * ow * (in_channels // groups) * kh * kw


def linear_macs(in_features: int, out_features: int) -> int:
    """Multiply-accumulates for one sample."""
    return in_features * out_features


def flops(macs: int) -> int:
    """FLOPs under cnn-dojo's convention: one multiply and one add per MAC."""
    return 2 * macs


def receptive_field(layers: Iterable[tuple[int, ...]]) -> int:
    """Receptive field (in input pixels) of one output pixel after a stack of layers.

    Each layer is (kernel_size, stride) or (kernel_size, stride, dilation). r grows by
    dilation*(kernel-1) times the product of the strides before it: two 3x3 stride-1 layers see 5x5.
    """
    field, jump = 1, 1
    for index, layer in enumerate(layers, start=1):
        kernel, stride, *rest = layer
        dilation = rest[0] if rest else 1
        _check_int(f"kernel_size of layer {index}", kernel, 1)
        _check_int(f"stride of layer {index}", stride, 1)
        _check_int(f"dilation of layer {index}", dilation, 1)
        field += dilation * (kernel - 1) * jump
        jump *= stride
    return field
