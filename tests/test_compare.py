"""The compare stage: alignment with the reference, what counts as a difference, branches by column."""

from __future__ import annotations

from dataclasses import replace

from grader.compare import (
    activation_bytes,
    align,
    alignment_cost,
    canonical_branches,
    first_divergence,
    same,
    weight_depth,
)
from grader.protocol import OpRow


def conv(out: int, size: int, k: int = 3, p: int = 1, inn: int = 3, layer: int = 1, inputs=(-1,)) -> OpRow:
    return OpRow("conv2d", (out, size, size), (inn, size, size), layer=layer, inputs=inputs,
                 hparams={"in_channels": inn, "out_channels": out, "kernel_size": k, "stride": 1, "padding": p,
                          "dilation": 1, "groups": 1, "bias": True})


def relu(shape, inputs) -> OpRow:
    return OpRow("relu", shape, shape, inputs=inputs)


def pool(channels: int, size: int, out: int, ceil: bool, inputs) -> OpRow:
    return OpRow("max_pool2d", (channels, out, out), (channels, size, size), inputs=inputs,
                 hparams={"kernel_size": 2, "stride": 2, "padding": 0, "ceil_mode": ceil, "dilation": 1})


CHAIN = [conv(8, 32), relu((8, 32, 32), (0,)), pool(8, 32, 16, False, (1,)), conv(16, 16, inn=8, layer=2, inputs=(2,))]


def test_one_missing_layer_is_one_gap_and_the_rest_still_match() -> None:
    mine = [CHAIN[0], CHAIN[2], CHAIN[3]]  # the ReLU left out
    steps = align(CHAIN, mine)
    assert [step.kind for step in steps] == ["same", "missing", "same", "same"]
    index, step = first_divergence(steps)
    assert index == 1 and step.reference.op == "relu"
    assert alignment_cost(steps) == 1.0


def test_a_model_that_stopped_is_aligned_with_the_references_first_rows_only() -> None:
    steps = align(CHAIN, CHAIN[:2], stopped=True)
    assert [step.kind for step in steps] == ["same", "same"] and first_divergence(steps) is None
    assert [step.kind for step in align(CHAIN, CHAIN[:2])] == ["same", "same", "missing", "missing"]


def test_ceil_mode_is_no_difference_where_the_windows_fit_exactly() -> None:
    assert same(pool(8, 32, 16, False, (1,)), pool(8, 32, 16, True, (1,)))  # 32 / 2: ceil and floor agree
    assert not same(pool(8, 33, 16, False, (1,)), pool(8, 33, 17, True, (1,)))  # 33: ceil gives one more


def test_branches_in_another_order_compare_by_column_even_with_a_wrong_width() -> None:
    """Two branches from the input joined by cat: the learner computes them in the other order, and its 5x5
    branch has 16 filters where the reference has 8. In the reference's order the 5x5 rows meet again."""
    ref = [conv(4, 8, k=1, p=0), conv(8, 8, k=5, p=2, layer=2),
           OpRow("cat", (12, 8, 8), (4, 8, 8), inputs=(0, 1), hparams={"dim": 1})]
    mine = [conv(16, 8, k=5, p=2), conv(4, 8, k=1, p=0, layer=2),
            OpRow("cat", (20, 8, 8), (4, 8, 8), inputs=(1, 0), hparams={"dim": 1})]
    ordered = canonical_branches(mine, ref)
    assert [row.hparams["kernel_size"] for row in ordered[:2]] == [1, 5]
    steps = align(ref, ordered)
    assert [step.kind for step in steps] == ["same", "changed", "changed"]


def test_depth_counts_the_longest_path_and_memory_the_largest_step() -> None:
    two_branches = [conv(4, 8), conv(4, 8, layer=2, inputs=(0,)), conv(4, 8, layer=3, inputs=(-1,)),
                    OpRow("cat", (8, 8, 8), (4, 8, 8), inputs=(1, 2))]
    assert weight_depth(two_branches) == 2
    assert weight_depth(CHAIN) == 2
    assert activation_bytes(CHAIN) == (8 * 32 * 32 + 8 * 32 * 32) * 2 * 4  # the ReLU: 8x32x32 in and out
    assert activation_bytes([replace(CHAIN[0], input_shape=(1,), output_shape=(1,))], batch=1) == 8
