"""Architecture diagrams as Graphviz DOT, drawn from a trace's rows (no Streamlit here).

Each node is one layer with its output shape; an activation or a Dropout right after a layer is folded
into that layer's node ("+ ReLU"). Edges come from ``OpRow.inputs`` (indices of the rows producing a
row's inputs, -1 = the model's input), the tracer's dataflow. Rows without it (an older trace) get
edges inferred from module names: the rows inside a module that ends in ``torch.cat`` (an Inception
module) are grouped by the child module that ran them (``branch1`` ... ``branch4``), and each group is
drawn as a parallel branch from the module's input to the concatenation. Either way those modules are
drawn as boxes (clusters) around their branches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from grader.compare import ACTIVATIONS
from grader.text import op_label, t

__all__ = ["op_text", "shape_text", "to_dot", "branch_blocks"]

_FOLDED = ACTIVATIONS | {"dropout", "dropout2d", "alpha_dropout", "feature_alpha_dropout"}
_COLORS = {
    "conv2d": "#dbe8fb", "linear": "#fde3c8", "max_pool2d": "#dff3e4", "avg_pool2d": "#dff3e4",
    "adaptive_avg_pool2d": "#dff3e4", "adaptive_max_pool2d": "#dff3e4", "cat": "#ececec",
}
INPUT = -1


def _k(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "x".join(map(str, value))
    return f"{value}x{value}"


def shape_text(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape))


def op_text(row: Any, lang: str = "en") -> str:
    """One line for a layer: "conv layer 3x3 /2 pad 1", "fc layer 4096 -> 1000", "max-pool 3x3 /2" ("卷積層 3x3 /2 填充 1")."""
    if getattr(row, "written_as", None) is not None:  # the comparison reads it as another op with the same values
        return t("arch.read_as", lang, written=op_text(row.written_as, lang), read=op_text(replace(row, written_as=None), lang))
    h = row.hparams or {}
    label = op_label(row.op, lang)
    if row.op == "conv2d":
        text = f"{label} {_k(h.get('kernel_size', '?'))}"
        if h.get("stride", 1) != 1:
            text += f" /{h['stride']}"
        if h.get("padding", 0) not in (0, (0, 0)):
            text += " " + t("arch.pad", lang, padding=h["padding"])
        return text
    if row.op == "linear":
        return f"{label} {h.get('in_features', '?')} -> {h.get('out_features', '?')}"
    if row.op in ("max_pool2d", "avg_pool2d"):
        text = f"{label} {_k(h.get('kernel_size', '?'))}"
        if h.get("stride") not in (None, 1):
            text += f" /{h['stride']}"
        if h.get("padding", 0) not in (0, (0, 0)):
            text += " " + t("arch.pad", lang, padding=h["padding"])
        if h.get("ceil_mode"):
            text += " " + t("arch.ceil", lang)
        return text
    if row.op in ("adaptive_avg_pool2d", "adaptive_max_pool2d") and h.get("output_size") is not None:
        return f"{label} -> {_k(h['output_size'])}"
    return label


def _under(module: str, block: str) -> bool:
    return block == "" or module == block or module.startswith(block + ".")


def _child(module: str, block: str) -> str:
    rest = module if block == "" else module[len(block) + 1:] if module != block else ""
    return rest.split(".")[0] if rest else ""


def branch_blocks(rows: Sequence[Any]) -> list[tuple[str, int, int, list[list[int]]]]:
    """Modules that run parallel branches and concatenate them: (module, first row, cat row, branches),
    each branch the row indices of one child module, in order."""
    blocks = []
    for c, row in enumerate(rows):
        if row.op != "cat":
            continue
        block = row.module
        start = c
        while start > 0 and _under(rows[start - 1].module, block) and rows[start - 1].op != "cat":
            start -= 1
        groups: list[tuple[str, list[int]]] = []
        for index in range(start, c):
            child = _child(rows[index].module, block)
            if child == "" and groups:  # an op in the module's own forward: it follows its branch's output
                groups[-1][1].append(index)
            elif groups and groups[-1][0] == child:
                groups[-1][1].append(index)
            else:
                groups.append((child, [index]))
        names = [name for name, _ in groups]
        if len(groups) >= 2 and len(set(names)) == len(names):
            blocks.append((block, start, c, [members for _, members in groups]))
    return blocks


def _predecessors(rows: Sequence[Any]) -> tuple[list[list[int]], list[tuple[str, int, int, list[list[int]]]]]:
    blocks = branch_blocks(rows)
    if rows and all(getattr(row, "inputs", None) for row in rows):  # the tracer's dataflow, when every row has it
        return [list(row.inputs) for row in rows], blocks
    preds = [[index - 1] for index in range(len(rows))]  # index 0 gets -1: the model's input
    for _, start, cat, branches in blocks:
        for members in branches:
            preds[members[0]] = [start - 1]
        preds[cat] = [members[-1] for members in branches]
    return preds, blocks


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(rows: Sequence[Any], lang: str = "en", *, mark: int | None = None, missing: bool = False,
           input_shape: Sequence[int] | None = None, mark_label: str = "", title: str = "",
           name: str = "model", input_label: str = "input") -> str:
    """The DOT source of a model's diagram. ``mark``: the row to highlight (the first divergence);
    ``missing``: a layer is missing right before that row (or at the end, when mark == len(rows));
    ``name``: the label of a branch block that is the model itself (a lone Inception module)."""
    preds, blocks = _predecessors(rows)
    consumers: dict[int, int] = {}
    for sources in preds:
        for source in sources:
            consumers[source] = consumers.get(source, 0) + 1
    node_of: dict[int, int] = {}
    nodes: list[list[int]] = []  # node -> its rows
    for index, row in enumerate(rows):
        sources = preds[index]
        if (row.op in _FOLDED and len(sources) == 1 and sources[0] >= 0 and sources[0] in node_of
                and nodes[node_of[sources[0]]][-1] == sources[0] and consumers.get(sources[0]) == 1):
            node_of[index] = node_of[sources[0]]
            nodes[node_of[index]].append(index)
        else:
            node_of[index] = len(nodes)
            nodes.append([index])
    shape_in = tuple(input_shape) if input_shape is not None else (rows[0].input_shape if rows else ())
    lines = [
        "digraph model {",
        '  graph [rankdir=TB, nodesep=0.25, ranksep=0.3, fontname="Helvetica", fontsize=11'
        + (f', label="{_escape(title)}", labelloc=t' if title else "") + "];",
        '  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", color="#8a8a8a", fontname="Helvetica", fontsize=10];',
        '  edge [color="#8a8a8a", arrowsize=0.6];',
        f'  n_in [label="{_escape(input_label)}\\n{shape_text(shape_in)}", shape=oval, fillcolor="#ffffff"];',
    ]
    marked_node = node_of.get(mark) if mark is not None else None
    in_block: dict[int, str] = {}
    for number, (_, start, cat, _) in enumerate(blocks):
        in_block.update({node_of[i]: f"cluster_{number}" for i in range(start, cat + 1)})

    def node_line(number: int) -> str:
        members = nodes[number]
        head = rows[members[0]]
        text = op_text(head, lang)
        folded = [op_label(rows[i].op, lang) for i in members[1:]]
        if folded:
            text += " + " + " + ".join(folded)
        parts = [text, shape_text(rows[members[-1]].output_shape)]
        fill, extra = _COLORS.get(head.op, "#f7f7f7"), ""
        if number == marked_node:
            parts = ([mark_label] if mark_label else []) + parts
            fill, extra = "#ffd6d6", ', color="#d62728", penwidth=2.5'
            if missing:
                extra += ', style="rounded,filled,dashed"'
        label = "\\n".join(_escape(part) for part in parts)
        return f'  n{number} [label="{label}", fillcolor="{fill}"{extra}];'

    clusters: dict[str, list[int]] = {}
    for number in range(len(nodes)):
        if number in in_block:
            clusters.setdefault(in_block[number], []).append(number)
        else:
            lines.append(node_line(number))
    for number, (block, *_rest) in enumerate(blocks):
        members = clusters.get(f"cluster_{number}", [])
        if not members:
            continue
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f'    label="{_escape(block or name)}"; style="rounded,dashed"; color="#b0b0b0"; fontsize=10;')
        lines += ["  " + node_line(m) for m in members]
        lines.append("  }")
    for number, members in enumerate(nodes):
        for source in preds[members[0]]:
            origin = "n_in" if source < 0 or source not in node_of else f"n{node_of[source]}"
            lines.append(f"  {origin} -> n{number};")
    if mark is not None and mark >= len(rows) and missing:  # a layer is missing at the very end
        note = _escape(mark_label) or "?"
        lines.append(f'  n_missing [label="{note}", style="rounded,dashed", color="#d62728", penwidth=2.5, fillcolor="#ffd6d6"];')
        last = f"n{node_of[len(rows) - 1]}" if rows else "n_in"
        lines.append(f"  {last} -> n_missing;")
    lines.append("}")
    return "\n".join(lines)
