"""Align the learner's op trace with the reference's and find the first divergence.

A global sequence alignment (Needleman-Wunsch) lets one missing or extra layer show up once, as a gap,
instead of as a cascade of mismatches in every row after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from grader.formulas import pair, pool_output_size
from grader.protocol import BATCH, WEIGHT_OPS, OpRow

__all__ = ["Step", "align", "canonical", "canonical_branches", "flatten_first", "activation_first", "global_pools", "merged_reshapes", "activations_into_branches",
           "read_as_linear", "unregistered", "first_divergence", "family", "same", "weight_depth", "alignment_cost", "activation_bytes",
           "concat_order_mistakes", "branch_label", "branches", "ACTIVATIONS", "POOLS", "NORMS"]

ACTIVATIONS = {"relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "relu6", "hardtanh", "silu", "softplus", "selu", "prelu"}
POOLS = {"max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d"}
NORMS = {"batch_norm", "local_response_norm", "layer_norm", "group_norm", "instance_norm"}
_IGNORED_HPARAMS = {"bias"}  # a missing bias changes parameters, not shapes: the params check reports it


def family(op: str) -> str:
    if op in ACTIVATIONS:
        return "activation"
    if op in POOLS:
        return "pool"
    if op in NORMS:
        return "norm"
    if op in ("conv2d", "linear"):
        return "weight"
    return op


def _no_effect(row: OpRow) -> set[str]:
    """Hyperparameters that change nothing for this input: ceil_mode on a pool whose windows fit exactly
    (the output is what floor gives). Written or not, they are not a difference."""
    if row.op in ("max_pool2d", "avg_pool2d") and row.hparams.get("ceil_mode") and len(row.input_shape) == 3:
        h = row.hparams
        try:
            floor = tuple(pool_output_size(size, k, s, p, d) for size, k, s, p, d in zip(
                row.input_shape[1:], pair(h["kernel_size"]), pair(h["stride"]), pair(h.get("padding", 0)),
                pair(h.get("dilation", 1))))
        except (ValueError, KeyError):
            return set()
        if floor == tuple(row.output_shape[1:]):
            return {"ceil_mode"}
    return set()


def _key(row: OpRow) -> tuple[Any, ...]:
    ignored = _IGNORED_HPARAMS | _no_effect(row)
    hparams = tuple(sorted((k, v) for k, v in row.hparams.items() if k not in ignored and (k, v) != ("ceil_mode", False)))
    return (row.op, row.output_shape, hparams)


def same(a: OpRow, b: OpRow) -> bool:
    return _key(a) == _key(b)


def is_optional(row: OpRow) -> bool:
    """A layer that changes nothing for this input, e.g. AlexNet's AdaptiveAvgPool2d(6) on a 6x6 map."""
    return row.op in ("adaptive_avg_pool2d", "adaptive_max_pool2d") and row.output_shape == row.input_shape


def _substitution(a: OpRow, b: OpRow) -> float:
    if same(a, b):
        return 0.0
    if a.op == b.op:
        return 0.4
    if family(a.op) == family(b.op):
        return 0.9
    return 1.6  # more than a gap, less than two: prefer a gap pair over an unrelated match


def _gap(row: OpRow) -> float:
    return 0.05 if is_optional(row) else 1.0


@dataclass
class Step:
    """One column of the alignment: both rows (matched), or a gap on one side."""

    reference: OpRow | None
    learner: OpRow | None

    @property
    def kind(self) -> str:
        if self.reference is None:
            return "extra"
        if self.learner is None:
            return "missing"
        return "same" if same(self.reference, self.learner) else "changed"


def align(reference: list[OpRow], learner: list[OpRow], stopped: bool = False) -> list[Step]:
    """The alignment with the least cost. ``stopped``: the learner's rows are those that ran before an
    error, so they are aligned with the reference's first rows only (what the reference does after the
    point where the learner's model stopped is not a difference)."""
    n, m = len(reference), len(learner)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = cost[i - 1][0] + _gap(reference[i - 1])
    for j in range(1, m + 1):
        cost[0][j] = cost[0][j - 1] + _gap(learner[j - 1])
    for i in range(1, n + 1):
        ref_row, row = reference[i - 1], cost[i]
        above = cost[i - 1]
        for j in range(1, m + 1):
            row[j] = min(
                above[j - 1] + _substitution(ref_row, learner[j - 1]),
                above[j] + _gap(ref_row),
                row[j - 1] + _gap(learner[j - 1]),
            )
    steps: list[Step] = []
    i, j = n, m
    if stopped:  # end where the learner's rows end: the cheapest reference prefix for all of them
        i = min(range(n + 1), key=lambda k: (cost[k][m], -k))

    def close(a: float, b: float) -> bool:
        return abs(a - b) < 1e-9

    while i > 0 or j > 0:
        # Walking back from the end, a gap that costs no more than an identical match is taken first: the
        # gaps then sit as late as the identical rows allow, so a block with one convolution too few reads
        # "conv, ReLU missing after ReLU 6", never "ReLU, conv missing after conv 6" (an activation mistake).
        diagonal = i > 0 and j > 0 and close(cost[i][j], cost[i - 1][j - 1] + _substitution(reference[i - 1], learner[j - 1]))
        exact = diagonal and same(reference[i - 1], learner[j - 1])
        missing = i > 0 and close(cost[i][j], cost[i - 1][j] + _gap(reference[i - 1]))
        extra = j > 0 and close(cost[i][j], cost[i][j - 1] + _gap(learner[j - 1]))
        if diagonal and not (exact and (missing or extra)):
            steps.append(Step(reference[i - 1], learner[j - 1]))
            i, j = i - 1, j - 1
        elif missing:
            steps.append(Step(reference[i - 1], None))
            i -= 1
        elif extra:
            steps.append(Step(None, learner[j - 1]))
            j -= 1
        else:
            steps.append(Step(reference[i - 1], learner[j - 1]))
            i, j = i - 1, j - 1
    steps.reverse()
    return steps


def alignment_cost(steps: list[Step]) -> float:
    """What ``align`` minimises, for an alignment already made."""
    return sum(_substitution(step.reference, step.learner) if step.reference is not None and step.learner is not None
               else _gap(step.reference or step.learner) for step in steps)  # type: ignore[arg-type]


def first_divergence(steps: list[Step]) -> tuple[int, Step] | None:
    """The first step that is not an exact match (optional no-op layers missing or extra are fine)."""
    for index, step in enumerate(steps):
        if step.kind == "same":
            continue
        if step.kind == "missing" and is_optional(step.reference):  # type: ignore[arg-type]
            continue
        if step.kind == "extra" and is_optional(step.learner):  # type: ignore[arg-type]
            continue
        return index, step
    return None


# -- the learner's rows, read the way the reference is written ---------------------------------------------
def canonical(rows: list[OpRow], reference: list[OpRow], stopped: bool = False) -> list[OpRow]:
    """The learner's rows as the comparison reads them: reshapes in a row as one, an activation before a
    max-pool or dropout it commutes with, an activation of a concatenation at the end of each input it
    joins, a pooling window over the whole map as global pooling, a flatten before the ops that compute the
    same values on either side of it (convolutions over the whole map then read as nn.Linear), parallel
    branches in the reference's order. None of these changes a value the model computes. ``stopped``: the
    rows that ran before an error."""
    rows = activations_into_branches(activation_first(merged_reshapes(rows)))
    return canonical_branches(flatten_first(global_pools(rows), stopped), reference)


def activations_into_branches(rows: list[OpRow]) -> list[OpRow]:
    """The rows with an activation applied to a torch.cat read as one at the end of each input it joins:
    F.relu(torch.cat([a, b])) is torch.cat([F.relu(a), F.relu(b)]), an Inception module with its ReLUs
    after the concatenation instead of in each branch."""
    for cat, row in enumerate(rows):
        after = cat + 1
        if (row.op != "cat" or after >= len(rows) or rows[after].op not in ACTIVATIONS or rows[after].params
                or rows[after].inputs != (cat,) or _read_after(rows, cat, after)):
            continue
        if any(i < 0 or any(i in other.inputs for n, other in enumerate(rows) if n != cat) for i in row.inputs):
            continue  # an input read elsewhere too: its other readers must not see the activation
        return activations_into_branches(_into_branches(rows, cat))
    return rows


def _into_branches(rows: list[OpRow], cat: int) -> list[OpRow]:
    """rows[cat + 1], an activation of the cat at rows[cat], moved to the end of each input the cat joins."""
    activation, joined = rows[cat + 1], rows[cat].inputs
    placed: list[tuple[int | None, OpRow]] = []  # (old index, row); an added activation reads in old numbers
    new: dict[int, int] = {}
    activated: dict[int, int] = {}
    for index, row in enumerate(rows):
        if index == cat + 1:
            continue
        new[index] = len(placed)
        placed.append((index, row))
        if index in joined:
            activated[index] = len(placed)
            placed.append((None, replace(activation, input_shape=row.output_shape, output_shape=row.output_shape,
                                         inputs=(index,))))
    new[cat + 1] = new[cat]  # the activation's readers now read the cat, which joins activated inputs
    return [replace(row, inputs=tuple(activated[i] for i in row.inputs) if old == cat
                    else tuple(new.get(i, i) for i in row.inputs)) for old, row in placed]


def merged_reshapes(rows: list[OpRow]) -> list[OpRow]:
    """The rows with reshapes in a row read as one: x.squeeze(-1).squeeze(-1) on N x C x 1 x 1 is a flatten, as
    is x[:, :, 0, 0] (an index that keeps every value is a reshape)."""
    out = [_kept_values(row) for row in rows]
    index = 0
    while index < len(out) - 1:
        first, second = out[index], out[index + 1]
        read_elsewhere = _read_after(out, index, index + 1)
        if first.op in _RESHAPES and second.op in _RESHAPES and second.inputs == (index,) and not read_elsewhere:
            flat = len(second.output_shape) == 1 and len(first.input_shape) > 1
            merged = replace(second, op="flatten" if flat else "reshape", input_shape=first.input_shape,
                             inputs=first.inputs)
            out = [*out[:index], merged, *(_shifted(row, index + 1) for row in out[index + 2:])]
        else:
            index += 1
    return out


_RESHAPES = {"reshape", "flatten"}


def _kept_values(row: OpRow) -> OpRow:
    if row.op == "getitem" and row.input_shape and math.prod(row.input_shape) == math.prod(row.output_shape):
        return replace(row, op="flatten" if len(row.output_shape) == 1 < len(row.input_shape) else "reshape")
    return row


def _shifted(row: OpRow, removed: int) -> OpRow:
    """``row`` once the row at index ``removed`` is gone (merged into the one before it)."""
    return replace(row, inputs=tuple(i - 1 if i >= removed else i for i in row.inputs))


def unregistered(row: OpRow) -> bool:
    """A weight layer whose weights are not the model's parameters (kept in a plain list, made in forward)."""
    return row.op in WEIGHT_OPS and not row.param_names


def read_as_linear(row: OpRow) -> bool:
    """A learner's convolution over the whole map, read as the nn.Linear it computes (see flatten_first)."""
    return row.written_as is not None and row.written_as.op == "conv2d"


def global_pools(rows: list[OpRow]) -> list[OpRow]:
    """The rows with a pooling window as large as its whole map read as global pooling: nn.AvgPool2d(7) on a
    7x7 map (the GoogLeNet paper's "avg pool 7x7/1"), F.avg_pool2d(x, x.size()[2:]) (public NiN code) are
    nn.AdaptiveAvgPool2d(1)."""
    return [replace(row, op=f"adaptive_{row.op}", hparams={"output_size": 1}, written_as=row)
            if row.op in ("avg_pool2d", "max_pool2d") and _whole_map(row) and row.hparams.get("divisor_override") is None
            else row for row in rows]


# an activation that keeps order (a <= b: f(a) <= f(b)) commutes with max-pooling; one that also keeps positive
# scaling (f(c*x) = c*f(x), c > 0) commutes with dropout, which zeroes values and scales the others up
_MONOTONE = {"relu", "leaky_relu", "relu6", "sigmoid", "tanh", "elu", "selu", "hardtanh", "softplus"}
_HOMOGENEOUS = {"relu", "leaky_relu"}


def _swaps_with(before: OpRow, activation: OpRow) -> bool:
    return ((before.op == "max_pool2d" and activation.op in _MONOTONE)
            or (before.op == "dropout" and activation.op in _HOMOGENEOUS))


def activation_first(rows: list[OpRow]) -> list[OpRow]:
    """The rows with an activation read before the max-pool or dropout just before it, when the order changes
    no value: F.relu(F.max_pool2d(x, 2)) is F.max_pool2d(F.relu(x), 2) (PyTorch's MNIST example writes the
    first; the course writes the second)."""
    out = list(rows)
    moved = True
    while moved:
        moved = False
        for index in range(len(out) - 1):
            before, activation = out[index], out[index + 1]
            read_elsewhere = _read_after(out, index, index + 1)
            if activation.inputs == (index,) and _swaps_with(before, activation) and not read_elsewhere:
                out[index] = replace(activation, input_shape=before.input_shape, output_shape=before.input_shape,
                                     inputs=before.inputs)
                out[index + 1] = replace(before, inputs=(index,))
                moved = True
    return out


def _whole_map(row: OpRow) -> bool:
    """A window (a pool's, a convolution's kernel) as large as the whole input map, unpadded, undilated:
    one output position, reading every value of the map."""
    h = row.hparams
    return (len(row.input_shape) == 3 and row.output_shape[1:] == (1, 1)
            and pair(h.get("kernel_size", 0)) == tuple(row.input_shape[1:]) and pair(h.get("padding", 0)) == (0, 0)
            and pair(h.get("dilation", 1)) == (1, 1))


def _covers_its_input(row: OpRow) -> bool:
    """A convolution over the whole map: each filter is a dot product with all of it (nn.Linear's work)."""
    return row.op == "conv2d" and _whole_map(row) and row.hparams.get("groups", 1) == 1


def _read_after(rows: list[OpRow], index: int, after: int) -> bool:
    """Whether a row past ``after`` reads the output of rows[index] (a skip connection, a reused branch)."""
    return any(index in row.inputs for row in rows[after + 1:])


def _commutes_with_flatten(row: OpRow) -> bool:
    """Computes the same values on a map as on its flattened features: an element-wise op, a convolution
    over the whole map (nn.Linear written another way), or a batch norm on a 1x1 map."""
    return (row.op in ACTIVATIONS or row.op == "dropout" or _covers_its_input(row)
            or (row.op == "batch_norm" and row.output_shape[1:] == (1, 1)))


def flatten_first(rows: list[OpRow], stopped: bool = False) -> list[OpRow]:
    """The rows with each flatten moved up past the ops just before it that compute the same values either
    way: a ReLU or a dropout before the flatten, and a convolution over the whole map then flattened, which
    is nn.Linear written another way (LeNet-5's C5 in LeCun's paper; VGG's fc6 to fc8 in Caffe's fully
    convolutional form: the same weights, reshaped). Each such convolution becomes a ``linear`` row.
    ``stopped`` (the rows that ran before an error): rows that end in such a convolution, and what commutes
    with the flatten after it, are read the same way, as if the flatten that never ran came after them."""
    out = list(rows)
    for flatten, row in enumerate(rows):
        if row.op == "flatten" and row.inputs == (flatten - 1,) and len(row.input_shape) == 3:
            first = _chain_start(out, flatten)
            read_elsewhere = any(_read_after(out, index, flatten) for index in range(first, flatten))  # a skip
            if first < flatten and not read_elsewhere:
                out = _flatten_at(out, first, flatten, out[flatten])
    if stopped and out:
        first = _chain_start(out, len(out))
        if any(_covers_its_input(row) for row in out[first:]):
            out = _flatten_at(out, first, len(out), OpRow("flatten", (), ()))
    return out


def _chain_start(rows: list[OpRow], end: int) -> int:
    """Where the rows before ``end`` that commute with a flatten begin, along a chain in which each row reads
    only the row before it."""
    first = end
    while first > 0 and _commutes_with_flatten(rows[first - 1]) and (
            first == end or rows[first].inputs == (first - 1,)):
        first -= 1
    return first


def _flatten_at(rows: list[OpRow], first: int, end: int, flatten: OpRow) -> list[OpRow]:
    """rows[first:end] read after ``flatten`` (rows[end], or a flatten that never ran), which moves to ``first``."""
    moved = [replace(flatten, input_shape=rows[first].input_shape, output_shape=(math.prod(rows[first].input_shape),),
                     inputs=rows[first].inputs)]
    for index in range(first, end):
        row = rows[index]
        shape_in, shape_out = (math.prod(row.input_shape),), (math.prod(row.output_shape),)
        if row.op == "conv2d":
            hparams = {"in_features": shape_in[0], "out_features": shape_out[0], "bias": row.hparams.get("bias", True)}
            row = replace(row, op="linear", hparams=hparams, written_as=row)
        moved.append(replace(row, input_shape=shape_in, output_shape=shape_out, inputs=(first + len(moved) - 1,)))
    # the chain keeps its length, so no other row's index changes; the flatten's readers now read the chain's
    # last row, which sits where the flatten was
    return [*rows[:first], *moved, *rows[end + 1:]]


# -- parallel branches -----------------------------------------------------------------------------------
def _ancestors(rows: list[OpRow], index: int) -> set[int]:
    seen, stack = {index}, [index]
    while stack:
        for parent in rows[stack.pop()].inputs:
            if parent >= 0 and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def branches(rows: list[OpRow], cat: int) -> tuple[int, list[list[int]]] | None:
    """The parallel branches joined by rows[cat], each as row indices in execution order, and the row
    they fork from; None unless the rows between the fork and the cat are exactly those branches."""
    ends = rows[cat].inputs
    if len(ends) < 2 or any(end < 0 for end in ends):
        return None
    lineages = [_ancestors(rows, end) | {-1} for end in ends]
    fork = max(set.intersection(*lineages))
    chains = [sorted(a for a in lineage if a > fork) for lineage in lineages]
    members = [a for chain in chains for a in chain]
    if len(set(members)) != len(members) or sorted(members) != list(range(fork + 1, cat)):
        return None
    return fork, chains


def _branch_key(rows: list[OpRow], chain: list[int]) -> tuple[Any, ...]:
    return tuple(_key(rows[i]) for i in chain)


_WIDTHS = {"in_channels", "out_channels", "bias"}


def _branch_kind(rows: list[OpRow], chain: list[int]) -> tuple[Any, ...]:
    """A branch without its widths (what a table column sets): its ops and their kernels, strides, paddings."""
    return tuple((rows[i].op, tuple(sorted((k, v) for k, v in rows[i].hparams.items() if k not in _WIDTHS)))
                 for i in chain)


def canonical_branches(rows: list[OpRow], reference: list[OpRow]) -> list[OpRow]:
    """The learner's rows with each set of parallel branches (an Inception module) in the reference's
    branch order, so computing the branches in another order is not a structural mistake. The order in
    which torch.cat joins them is kept in the cat row's inputs: the function check judges that."""
    ref_cats = [i for i, row in enumerate(reference) if row.op == "cat"]
    cats = [i for i, row in enumerate(rows) if row.op == "cat"]
    order = list(range(len(rows)))
    for k, cat in enumerate(cats):
        found = branches(rows, cat)
        ref_found = branches(reference, ref_cats[k]) if k < len(ref_cats) else None
        if found is None or ref_found is None:
            continue
        fork, chains = found
        placed = _match_branches(rows, chains, reference, ref_found[1])
        if placed is None:  # not the same branches in another order: leave them for the alignment to explain
            continue
        order[fork + 1:cat] = [i for chain in placed for i in chain]
    if order == list(range(len(rows))):
        return rows
    new_index = {old: new for new, old in enumerate(order)}
    out: list[OpRow] = []
    layer = 0
    for old in order:
        row = rows[old]
        if row.layer is not None:
            layer += 1
        out.append(replace(row, inputs=tuple(new_index.get(i, i) for i in row.inputs),
                           layer=layer if row.layer is not None else None))
    return out


def _match_branches(rows: list[OpRow], chains: list[list[int]], reference: list[OpRow],
                    ref_chains: list[list[int]]) -> list[list[int]] | None:
    """The learner's branches in the reference's order: each matched to the identical reference branch, or,
    failing that, to the one of the same kind (same ops and kernels, other widths: a wrong table column is
    then compared with its own column). None when they cannot all be matched one to one."""
    placed: list[list[int] | None] = [None] * len(ref_chains)
    remaining = list(chains)
    for same in (_branch_key, _branch_kind):
        for slot, ref_chain in enumerate(ref_chains):
            if placed[slot] is not None:
                continue
            wanted = same(reference, ref_chain)
            candidates = [chain for chain in remaining if same(rows, chain) == wanted]
            if len(candidates) == 1 or (candidates and same is _branch_key):
                placed[slot] = candidates[0]
                remaining.remove(candidates[0])
    if remaining or any(chain is None for chain in placed):
        return None
    return placed  # type: ignore[return-value]


def branch_label(rows: list[OpRow], chain: list[int]) -> str:
    """'1x1 -> 3x3', 'pool -> 1x1': a branch as the course draws it."""
    parts = []
    for index in chain:
        row = rows[index]
        if row.op == "conv2d":
            k = row.hparams.get("kernel_size")
            parts.append(f"{k}x{k}" if isinstance(k, int) else "x".join(map(str, k)))
        elif row.op in POOLS:
            parts.append("pool")
    return " -> ".join(parts) or "identity"


def concat_order_mistakes(rows: list[OpRow]) -> list[tuple[str, list[str], list[str]]]:
    """For rows in canonical branch order: every cat that joins its branches in another order,
    as (module, the learner's order, the reference's order)."""
    mistakes = []
    for cat, row in enumerate(rows):
        if row.op != "cat":
            continue
        found = branches(rows, cat)
        if found is None:
            continue
        chains = sorted(found[1])  # in the order they run (the reference's, once canonical)
        by_end = {chain[-1]: chain for chain in chains}
        if list(row.inputs) != [chain[-1] for chain in chains] and set(row.inputs) == set(by_end):
            joined = [branch_label(rows, by_end[end]) for end in row.inputs]
            expected = [branch_label(rows, chain) for chain in chains]
            mistakes.append((row.module or "forward", joined, expected))
    return mistakes


# -- the model as a whole ------------------------------------------------------------------------------
def weight_depth(rows: list[OpRow]) -> int:
    """Depth as the papers count it: weight layers (conv, fc) on the longest path from input to output.
    Parallel branches count once, by their longest one: GoogLeNet is 22 deep, though it has 58."""
    longest: list[int] = []
    for index, row in enumerate(rows):
        sources = row.inputs or (index - 1,)
        before = max((longest[p] for p in sources if 0 <= p < index), default=0)
        longest.append(before + (row.layer is not None))
    return max(longest, default=0)


def activation_bytes(rows: tuple[OpRow, ...] | list[OpRow], batch: int = BATCH) -> int:
    """The most memory one step of the forward pass holds at once (its input and its output), float32."""
    return max((math.prod(row.input_shape) + math.prod(row.output_shape) for row in rows), default=0) * batch * 4
