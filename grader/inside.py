"""What can be read off a network's structure alone: every layer's feature-map size, how far each unit
sees into the input (its receptive field), and what each layer costs. No weights, no torch: the rows come
from the tracer (``grader.trace.trace`` on the meta device, or a learner's traced model).

The receptive field follows the course's formula (``grader.formulas.receptive_field``): a k x k layer
adds (k - 1) x jump pixels, where jump is the product of the strides before it. Where the field starts
needs the paddings too: unit (y, x) of a layer sees the input square from ``start + y * jump`` to
``start + y * jump + size - 1`` (and the same for x), part of which may lie in the zero padding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader import formulas
from grader.protocol import WEIGHT_OPS, OpRow

__all__ = ["LayerGeometry", "geometry", "field_box", "spatial_layers", "weight_layers", "growth", "stacked_3x3",
           "SPATIAL_OPS"]

SPATIAL_OPS = ("conv2d", "max_pool2d", "avg_pool2d")  # the ops with a kernel that slides over the image


@dataclass(frozen=True)
class LayerGeometry:
    """One traced operation and its receptive field. ``field`` is None once a unit sees the whole input."""

    index: int  # row index in the trace
    op: str
    module: str
    layer: int | None  # 1-based weight layer (conv/linear), as the grader's messages count them
    output_shape: tuple[int, ...]
    params: int
    macs: int
    field: int | None  # side of the square of input pixels one unit sees
    jump: int  # input pixels between two neighbouring units
    start: int  # input coordinate of the first pixel unit (0, 0) sees (negative: in the padding)
    chain: tuple[tuple[int, int, int], ...]  # the (kernel, stride, dilation) of every sliding layer before, and this one

    @property
    def spatial(self) -> tuple[int, int] | None:
        return (self.output_shape[-2], self.output_shape[-1]) if len(self.output_shape) == 3 else None


def _kernel(row: OpRow) -> tuple[int, int, int, int] | None:
    """(kernel, stride, padding, dilation) of a sliding layer, square kernels only; None for other ops."""
    h = row.hparams
    if row.op in SPATIAL_OPS:
        kernel = formulas.pair(h.get("kernel_size", 1))[0]
        stride = h.get("stride") or kernel
        return kernel, formulas.pair(stride)[0], formulas.pair(h.get("padding", 0))[0], formulas.pair(h.get("dilation", 1))[0]
    if row.op == "adaptive_avg_pool2d" and len(row.input_shape) == 3 and len(row.output_shape) == 3:
        size_in, size_out = row.input_shape[-1], row.output_shape[-1]
        if size_in == size_out:
            return 1, 1, 0, 1  # an identity: AlexNet's 6x6 average pool on a 6x6 map
    return None


def geometry(rows: list[OpRow], input_size: int) -> list[LayerGeometry]:
    """The receptive field of every row's units, following the dataflow (``OpRow.inputs``) where the tracer
    recorded it, so that an Inception module's branches each get their own; a concatenation sees as far
    as its widest branch."""
    fields: list[tuple[int | None, int, int, tuple[tuple[int, int, int], ...]]] = []
    result = []
    origin: tuple[int | None, int, int, tuple[tuple[int, int, int], ...]] = (1, 1, 0, ())
    for index, row in enumerate(rows):
        sources = [fields[i] if i >= 0 else origin for i in row.inputs if i < index] if row.inputs else []
        if not sources:
            sources = [fields[-1] if fields else origin]
        known = [s for s in sources if s[0] is not None]
        if len(known) < len(sources) or not known:
            field, jump, start, chain = None, sources[0][1], 0, sources[0][3]
        else:
            widest = max(known, key=lambda s: (s[0], -s[2]))
            field, jump, start, chain = widest
        kernel = _kernel(row)
        if field is not None and kernel is not None:
            k, s, p, d = kernel
            chain = (*chain, (k, s, d))
            field = formulas.receptive_field([(k2, s2, d2) for k2, s2, d2 in chain])
            start = start - p * jump
            jump = jump * s
        elif field is not None and (row.op in ("linear", "flatten") or row.op == "adaptive_avg_pool2d"):
            field = None  # every unit now depends on the whole image
        fields.append((field, jump, start, chain))
        result.append(LayerGeometry(index, row.op, row.module, row.layer, tuple(row.output_shape), row.params, row.macs,
                                    field, jump, start, chain))
    return result


def spatial_layers(layers: list[LayerGeometry]) -> list[LayerGeometry]:
    """The layers whose units have a position on the image: the convolutions and poolings."""
    return [g for g in layers if g.op in SPATIAL_OPS and g.spatial is not None and g.field is not None]


def field_box(layer: LayerGeometry, y: int, x: int, input_size: int) -> dict[str, Any]:
    """The square of input pixels unit (y, x) of ``layer`` sees: the formula's box, and the part of it
    inside the image (rows top..bottom and columns left..right, inclusive)."""
    if layer.field is None:
        raise ValueError(f"units of {layer.op} (row {layer.index}) see the whole input")
    top, left = layer.start + y * layer.jump, layer.start + x * layer.jump
    bottom, right = top + layer.field - 1, left + layer.field - 1
    return {"size": layer.field, "top": top, "left": left, "bottom": bottom, "right": right,
            "clipped": (max(top, 0), max(left, 0), min(bottom, input_size - 1), min(right, input_size - 1))}


def stacked_3x3(channels: int, depth: int = 3) -> list[dict[str, int]]:
    """VGG's argument: ``n`` stacked 3x3 convolutions see as far as one (2n+1)x(2n+1), with fewer parameters
    (``channels`` in and out, biases included) and, at the same output size, fewer MACs per pixel."""
    rows = []
    for n in range(1, depth + 1):
        field = formulas.receptive_field([(3, 1)] * n)
        stacked = n * formulas.conv_params(channels, channels, 3)
        single = formulas.conv_params(channels, channels, field)
        rows.append({"n": n, "field": field, "stacked_params": stacked, "single_params": single,
                     "stacked_macs_per_pixel": n * channels * channels * 9,
                     "single_macs_per_pixel": channels * channels * field * field})
    return rows


def weight_layers(layers: list[LayerGeometry]) -> list[LayerGeometry]:
    """The conv and fc layers (the depth the course counts), with their params and MACs."""
    return [g for g in layers if g.op in WEIGHT_OPS]


def growth(layers: list[LayerGeometry], input_size: int) -> list[dict[str, Any]]:
    """Receptive field against depth: one entry per sliding layer, with the part of the image it covers."""
    out = []
    for g in spatial_layers(layers):
        assert g.field is not None
        out.append({"index": g.index, "op": g.op, "layer": g.layer, "module": g.module, "field": g.field,
                    "jump": g.jump, "shape": g.output_shape,
                    "coverage": min(1.0, (g.field / input_size) ** 2)})
    return out
