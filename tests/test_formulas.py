"""The formula library against torch's own layers: for random valid settings the formula equals the shape
torch produces; invalid settings raise a ValueError naming the parameter."""

from __future__ import annotations

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from grader import formulas as f

sizes = st.integers(1, 40)
kernels = st.integers(1, 9)
strides = st.integers(1, 5)
paddings = st.integers(0, 4)
dilations = st.integers(1, 3)


def _torch_conv_size(size, kernel, stride, padding, dilation):
    conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, bias=False)
    try:
        return conv(torch.zeros(1, 1, size, size)).shape[-1]
    except RuntimeError:
        return None


@settings(max_examples=300, deadline=None)
@given(sizes, kernels, strides, paddings, dilations)
def test_conv_output_size_equals_torch(size, kernel, stride, padding, dilation):
    expected = _torch_conv_size(size, kernel, stride, padding, dilation)
    if expected is None:
        with pytest.raises(ValueError, match="kernel_size"):
            f.conv_output_size(size, kernel, stride, padding, dilation)
    else:
        assert f.conv_output_size(size, kernel, stride, padding, dilation) == expected


@settings(max_examples=400, deadline=None)
@given(sizes, kernels, st.one_of(st.none(), strides), paddings, dilations, st.booleans(), st.booleans())
def test_max_pool_output_size_equals_torch(size, kernel, stride, padding, dilation, ceil_mode, as_avg):
    if as_avg:
        dilation = 1
        layer = nn.AvgPool2d(kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    else:
        layer = nn.MaxPool2d(kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    try:
        expected = layer(torch.zeros(1, 1, size, size)).shape[-1]
    except RuntimeError:
        expected = None
    if expected is None or expected < 1:
        with pytest.raises(ValueError, match="kernel_size|padding"):
            f.pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    else:
        assert f.pool_output_size(size, kernel, stride, padding, dilation, ceil_mode) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 16), st.integers(1, 16), kernels, kernels, st.booleans())
def test_conv_params_and_macs_equal_torch(groups, out_mult, in_mult, spatial, kh, kw, bias):
    in_channels, out_channels = groups * in_mult, groups * out_mult
    conv = nn.Conv2d(in_channels, out_channels, (kh, kw), groups=groups, bias=bias)
    assert f.conv_params(in_channels, out_channels, (kh, kw), groups=groups, bias=bias) == sum(
        p.numel() for p in conv.parameters()
    )
    size = spatial + max(kh, kw)
    out = conv(torch.zeros(1, in_channels, size, size))
    # every output value is one dot product of length (in/groups)*kh*kw
    expected_macs = out.numel() * (in_channels // groups) * kh * kw
    assert f.conv_macs(in_channels, out_channels, (kh, kw), tuple(out.shape[-2:]), groups) == expected_macs


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 500), st.integers(1, 500), st.booleans())
def test_linear_params_and_macs_equal_torch(fan_in, fan_out, bias):
    layer = nn.Linear(fan_in, fan_out, bias=bias)
    assert f.linear_params(fan_in, fan_out, bias) == sum(p.numel() for p in layer.parameters())
    assert f.linear_macs(fan_in, fan_out) == layer.weight.numel()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 2)), min_size=1, max_size=4))
def test_receptive_field_equals_the_input_pixels_one_output_pixel_depends_on(layers):
    """Build the stack with all-ones weights and find which input pixels touch the centre output pixel."""
    size = 64 * 8  # far more than one output pixel of any generated stack needs
    x = torch.zeros(1, 1, 1, size, requires_grad=True)
    y = x
    for kernel, stride, dilation in layers:
        y = nn.functional.conv2d(y, torch.ones(1, 1, 1, kernel), stride=(1, stride), dilation=(1, dilation))
    assume(y.shape[-1] >= 1)
    y[0, 0, 0, 0].backward()
    touched = (x.grad[0, 0, 0] != 0).nonzero()
    width = int(touched.max() - touched.min() + 1)
    assert f.receptive_field(layers) == width


def test_the_seeds_receptive_field_point():
    assert f.receptive_field([(3, 1), (3, 1)]) == 5 == f.receptive_field([(5, 1)])
    assert f.receptive_field([(3, 1)] * 3) == 7 == f.receptive_field([(7, 1)])
    # ... with fewer parameters at 512 channels
    assert 3 * f.conv_params(512, 512, 3, bias=False) < f.conv_params(512, 512, 7, bias=False)


def test_the_seeds_worked_numbers():
    assert f.conv_output_size(224, 11, 4, 2) == 55
    assert f.pool_output_size(55, 3, 2) == 27
    assert f.conv_output_size(32, 5) == 28
    assert f.conv_params(1, 6, 5) == 156
    assert f.linear_params(16 * 5 * 5, 120) == 48_120


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: f.conv_output_size(3, 5), "kernel_size"),
        (lambda: f.conv_output_size(0, 3), "size"),
        (lambda: f.conv_output_size(8, 3, stride=0), "stride"),
        (lambda: f.conv_output_size(8, 3, padding=-1), "padding"),
        (lambda: f.conv_output_size(8, 3, dilation=0), "dilation"),
        (lambda: f.pool_output_size(8, 2, padding=2), "padding"),
        (lambda: f.pool_output_size(2, 3), "kernel_size"),
        (lambda: f.conv_params(3, 64, 3, groups=2), "groups"),
        (lambda: f.linear_params(0, 10), "in_features"),
        (lambda: f.receptive_field([(3, 0)]), "stride"),
    ],
)
def test_invalid_settings_name_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()


def _torch_2d(call, h, w, *weight_shape):
    """The (H, W) torch's own kernel gives on the meta device, or None where torch refuses."""
    x = torch.empty(1, 1, h, w, device="meta")
    try:
        out = call(x, torch.empty(1, 1, *weight_shape, device="meta")) if weight_shape else call(x)
    except RuntimeError:
        return None
    return tuple(out.shape[-2:])



@settings(max_examples=200, deadline=None)
@given(st.tuples(sizes, sizes), st.tuples(kernels, kernels), st.tuples(strides, strides),
       st.tuples(paddings, paddings), st.tuples(dilations, dilations))
def test_conv2d_output_shape_equals_torch(size, kernel, stride, padding, dilation):
    expected = _torch_2d(lambda x, w: nn.functional.conv2d(x, w, None, stride, padding, dilation), *size, *kernel)
    if expected is None:
        with pytest.raises(ValueError, match="kernel_size"):
            f.conv2d_output_shape(size, kernel, stride, padding, dilation)
    else:
        assert f.conv2d_output_shape(size, kernel, stride, padding, dilation) == expected


@settings(max_examples=200, deadline=None)
@given(st.tuples(sizes, sizes), st.tuples(kernels, kernels), st.one_of(st.none(), st.tuples(strides, strides)),
       st.tuples(paddings, paddings), st.tuples(dilations, dilations), st.booleans())
def test_pool2d_output_shape_equals_torch(size, kernel, stride, padding, dilation, ceil_mode):
    pool = nn.MaxPool2d(kernel, stride, padding, dilation, ceil_mode=ceil_mode)
    expected = _torch_2d(pool, *size)
    if expected is None or min(expected) < 1:
        with pytest.raises(ValueError, match="kernel_size|padding"):
            f.pool2d_output_shape(size, kernel, stride, padding, dilation, ceil_mode)
    else:
        assert f.pool2d_output_shape(size, kernel, stride, padding, dilation, ceil_mode) == expected


def test_pair_takes_what_torch_takes_and_refuses_the_rest():
    import numpy as np

    assert f.pair(3) == (3, 3) and f.pair((2, 3)) == (2, 3) and f.pair([4]) == (4, 4)
    assert f.pair(torch.Size([5, 6])) == (5, 6)
    assert f.pair(np.int64(2)) == (2, 2) and f.pair((np.int64(2), 3)) == (2, 3)
    for bad in (True, 2.0, (2.0, 2.0), (True, 1), (1, 2, 3), (), "same", None):
        with pytest.raises(ValueError, match="stride"):
            f.pair(bad, "stride")
