"""The compare stage: alignment with the reference, what counts as a difference, branches by column."""

from __future__ import annotations

import math
from dataclasses import replace

from grader.compare import (
    activation_bytes,
    activation_first,
    activations_into_branches,
    align,
    alignment_cost,
    canonical_branches,
    first_divergence,
    flatten_first,
    global_pools,
    merged_reshapes,
    read_as_linear,
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


# -- the canonical form: the same values, written another way ---------------------------------------------
def _flat(shape, inputs) -> OpRow:
    return OpRow("flatten", (math.prod(shape),), shape, inputs=inputs)


def test_a_convolution_over_the_whole_map_then_flattened_reads_as_a_linear_layer() -> None:
    """pool -> conv 5x5 over the 16x5x5 map -> ReLU -> flatten -> fc: LeNet-5's C5 as the paper draws it."""
    c5 = conv(120, 1, k=5, p=0, inn=16, layer=3, inputs=(0,))
    c5 = replace(c5, input_shape=(16, 5, 5), params=48120, macs=48000)
    fc = OpRow("linear", (84,), (120,), layer=4, inputs=(3,), hparams={"in_features": 120, "out_features": 84, "bias": True})
    rows = [pool(16, 10, 5, False, (-1,)), c5, relu((120, 1, 1), (1,)), _flat((120, 1, 1), (2,)), fc]
    read = flatten_first(rows)
    assert [row.op for row in read] == ["max_pool2d", "flatten", "linear", "relu", "linear"]
    flat, linear, act = read[1:4]
    assert (flat.input_shape, flat.output_shape, flat.inputs) == ((16, 5, 5), (400,), (0,))
    assert linear.hparams == {"in_features": 400, "out_features": 120, "bias": True}
    assert (linear.input_shape, linear.output_shape, linear.inputs, linear.params) == ((400,), (120,), (1,), 48120)
    assert linear.written_as == c5 and (act.output_shape, act.inputs) == ((120,), (2,))
    assert read[4] == fc  # the fc after still reads index 3: now the ReLU, the same 120 values
    assert OpRow.from_dict(linear.to_dict()) == linear  # it travels with the report


def test_a_convolution_that_does_not_cover_its_map_or_feeds_a_skip_stays_a_convolution() -> None:
    padded = replace(conv(120, 3, k=5, p=2, inn=16, inputs=(-1,)), input_shape=(16, 3, 3))  # padding: 3x3 out
    rows = [padded, _flat((120, 3, 3), (0,))]
    assert flatten_first(rows) == rows
    c5 = replace(conv(120, 1, k=5, p=0, inn=16, inputs=(-1,)), input_shape=(16, 5, 5))
    skip = OpRow("add", (120,), (120,), inputs=(1, 0))  # reads the convolution's own output again
    rows = [c5, _flat((120, 1, 1), (0,)), skip]
    assert flatten_first(rows) == rows


def test_an_activation_after_max_pooling_reads_before_it_but_not_after_average_pooling() -> None:
    rows = [conv(8, 32), pool(8, 32, 16, False, (0,)), relu((8, 16, 16), (1,)), conv(16, 16, inn=8, layer=2, inputs=(2,))]
    read = activation_first(rows)
    assert [row.op for row in read] == ["conv2d", "relu", "max_pool2d", "conv2d"]
    assert (read[1].input_shape, read[1].inputs, read[2].inputs) == ((8, 32, 32), (0,), (1,))
    assert [step.kind for step in align(CHAIN, read)] == ["same"] * 4
    average = [rows[0], replace(rows[1], op="avg_pool2d"), *rows[2:]]
    assert activation_first(average) == average  # relu(mean) is not mean(relu)
    dropout = OpRow("dropout", (8,), (8,), inputs=(-1,), hparams={"p": 0.5})
    assert activation_first([dropout, OpRow("sigmoid", (8,), (8,), inputs=(0,))])[0].op == "dropout"  # sigmoid(0) != 0
    assert activation_first([dropout, relu((8,), (0,))])[0].op == "relu"


def test_rows_that_stopped_after_a_convolution_over_the_whole_map_read_as_if_flattened() -> None:
    """fc6 as a 6x6 convolution, then the forward pass raised at fc7: the flatten never ran."""
    fc6 = replace(conv(4000, 1, k=6, p=0, inn=256, layer=6, inputs=(-1,)), input_shape=(256, 6, 6))
    rows = [OpRow("dropout", (256, 6, 6), (256, 6, 6), inputs=(-1,), hparams={"p": 0.5}), replace(fc6, inputs=(0,)),
            relu((4000, 1, 1), (1,))]
    assert flatten_first(rows) == rows  # a complete run without a flatten: nothing to move
    read = flatten_first(rows, stopped=True)
    assert [row.op for row in read] == ["flatten", "dropout", "linear", "relu"]
    assert [row.inputs for row in read] == [(-1,), (0,), (1,), (2,)]
    assert read[2].hparams == {"in_features": 9216, "out_features": 4000, "bias": True}


def test_a_pooling_window_over_the_whole_map_reads_as_global_pooling() -> None:
    paper = OpRow("avg_pool2d", (1024, 1, 1), (1024, 7, 7), inputs=(-1,),
                  hparams={"kernel_size": 7, "stride": 1, "padding": 0, "ceil_mode": False})
    read = global_pools([paper])[0]
    assert (read.op, read.hparams, read.written_as) == ("adaptive_avg_pool2d", {"output_size": 1}, paper)
    assert not read_as_linear(read)  # a pool, not a convolution: no note about nn.Linear
    smaller = replace(paper, output_shape=(1024, 2, 2), hparams={**paper.hparams, "kernel_size": 6})
    assert global_pools([smaller]) == [smaller]


def test_reshapes_in_a_row_read_as_one_and_an_index_that_keeps_every_value_as_a_reshape() -> None:
    """x.squeeze(-1).squeeze(-1) and x[:, :, 0, 0] on N x 10 x 1 x 1, then an op reading the result."""
    gap = OpRow("adaptive_avg_pool2d", (10, 1, 1), (10, 5, 5), inputs=(-1,), hparams={"output_size": 1})
    after = OpRow("relu", (10,), (10,), inputs=(2,))
    rows = [gap, OpRow("reshape", (10, 1), (10, 1, 1), inputs=(0,)), OpRow("flatten", (10,), (10, 1), inputs=(1,)), after]
    read = merged_reshapes(rows)
    assert [(row.op, row.input_shape, row.output_shape, row.inputs) for row in read] == [
        ("adaptive_avg_pool2d", (10, 5, 5), (10, 1, 1), (-1,)), ("flatten", (10, 1, 1), (10,), (0,)),
        ("relu", (10,), (10,), (1,))]
    index = OpRow("getitem", (10,), (10, 1, 1), inputs=(0,))
    assert merged_reshapes([gap, index])[1].op == "flatten"
    dropped = OpRow("getitem", (5,), (10, 1, 1), inputs=(0,))  # x[:, :5, 0, 0] keeps half the values
    assert merged_reshapes([gap, dropped])[1].op == "getitem"


def test_an_activation_of_a_concatenation_reads_as_one_at_the_end_of_each_branch() -> None:
    """F.relu(torch.cat([1x1 conv, 3x3 conv], 1)), then a conv reading the result: the reference's branches."""
    ref = [conv(4, 8, k=1, p=0), relu((4, 8, 8), (0,)), conv(8, 8, layer=2), relu((8, 8, 8), (2,)),
           OpRow("cat", (12, 8, 8), (4, 8, 8), inputs=(1, 3), hparams={"dim": 1}),
           conv(16, 8, inn=12, layer=3, inputs=(4,))]
    mine = [ref[0], ref[2], OpRow("cat", (12, 8, 8), (4, 8, 8), inputs=(0, 1), hparams={"dim": 1}),
            relu((12, 8, 8), (2,)), conv(16, 8, inn=12, layer=3, inputs=(3,))]
    read = activations_into_branches(mine)
    assert [(row.op, row.inputs) for row in read] == [(row.op, row.inputs) for row in ref]
    assert [step.kind for step in align(ref, read)] == ["same"] * 6
    shared = [*mine, OpRow("add", (4, 8, 8), (4, 8, 8), inputs=(0, 0))]  # the first branch is read again
    assert activations_into_branches(shared) == shared
