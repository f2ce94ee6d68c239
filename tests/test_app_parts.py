"""The app's Streamlit-free parts: the notes splitter, the architecture diagram, the layer table, the labels."""

from __future__ import annotations

import re
from dataclasses import replace
from types import SimpleNamespace

import pytest
import torch

import solutions
from app_pages.diagram import branch_blocks, to_dot
from app_pages.notes import read_answers, read_notes, split_notes
from app_pages.tables import layer_table
from grader.chapters import CHAPTERS
from grader.compare import align, canonical, first_divergence, weight_depth
from grader.nbgrader_course import chapter_notebook
from grader.report import ModelView
from grader.trace import trace
from grader.worksheets import WORKSHEETS
from tests.conftest import committed


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_the_notes_of_each_chapter_split_into_markdown_and_formulas_in_each_language(chapter):
    readme = chapter.exercise_path().parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    english, chinese = text.split("\n## 繁體中文\n")
    for lang, section in (("en", english), ("zh-TW", chinese)):
        blocks = read_notes(readme, lang)
        formulas = [body for kind, body in blocks if kind == "latex"]
        answers = [body for kind, body in read_answers(readme, lang) if kind == "latex"]
        assert 0 < len(formulas) + len(answers) == sum(line.strip() == "$$" for line in section.splitlines()) // 2
        assert all("$$" not in body for _, body in blocks)
        prose = "\n".join(body for kind, body in blocks if kind == "markdown")
        assert "## English" not in prose and "## 繁體中文" not in prose
        assert ("背景" in prose or "為什麼" in prose) if lang == "zh-TW" else ("The story" in prose or "Why" in prose)


def test_notes_without_language_headings_or_with_an_unclosed_formula_still_render():
    assert split_notes("Intro\n$$\na + b\n$$\nafter", "zh-TW") == [
        ("markdown", "Intro"), ("latex", "a + b"), ("markdown", "after")]
    assert split_notes("## English\ntext\n$$\nx", "en") == [("markdown", "text"), ("markdown", "$$\nx")]
    assert split_notes("## English\n```\n$$\n```\n", "en") == [("markdown", "```\n$$\n```")]


def _rows(name: str):
    info = solutions.get_model_info(name)
    return trace(info.build(device="meta"), info.input_shape).rows


def _edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(n\w+) -> (n\w+);", dot, flags=re.M)


def test_googlenet_is_drawn_with_nine_inception_modules_of_four_branches_and_is_22_deep():
    rows = _rows("GoogLeNet")
    blocks = branch_blocks(rows)
    assert [block for block, *_ in blocks] == ["inception3a", "inception3b", "inception4a", "inception4b", "inception4c",
                                               "inception4d", "inception4e", "inception5a", "inception5b"]
    assert all(len(branches) == 4 for *_, branches in blocks)
    dot = to_dot(rows)
    assert dot.count("subgraph cluster_") == 9
    incoming: dict[str, int] = {}
    for _, target in _edges(dot):
        incoming[target] = incoming.get(target, 0) + 1
    assert sorted(incoming.values()).count(4) == 9  # each concatenation joins four branches
    assert weight_depth(rows) == 22 and sum(row.layer is not None for row in rows) == 58
    # without the tracer's dataflow (rows of an older trace) the module names give the same drawing
    assert to_dot([replace(row, inputs=()) for row in rows]) == dot


def test_a_chain_folds_activations_into_their_layer_and_marks_the_first_difference():
    rows = _rows("VGG16")
    dot = to_dot(rows, mark=2, mark_label="first difference")
    assert dot.count("+ ReLU") == 15  # 13 convolutions, 2 hidden fc layers
    assert len(_edges(dot)) == dot.count("[label=") - 1  # a chain: every box but the input has one edge in
    assert re.search(r'label="first difference\\nconv layer 3x3 pad 1 \+ ReLU\\n64x224x224".*penwidth', dot)
    assert weight_depth(rows) == 16


def test_the_tracers_inputs_field_draws_the_edges_when_present():
    def row(op, shape, inputs, layer=None, module=""):
        return SimpleNamespace(op=op, output_shape=shape, input_shape=(3, 8, 8), hparams={}, module=module, layer=layer,
                               inputs=inputs)

    rows = [row("conv2d", (4, 8, 8), (-1,), 1, "a"), row("conv2d", (4, 8, 8), (-1,), 2, "b"),
            row("conv2d", (4, 8, 8), (1,), 3, "c"), row("add", (4, 8, 8), (0, 2))]
    dot = to_dot(rows)
    assert sorted(_edges(dot)) == [("n0", "n3"), ("n1", "n2"), ("n2", "n3"), ("n_in", "n0"), ("n_in", "n1")]
    assert weight_depth(rows) == 2


def test_the_layer_table_pairs_the_alignment_and_marks_what_differs():
    reference = _rows("AlexNet")
    info = solutions.get_model_info("AlexNet")
    model = info.build(device="meta")
    features = list(model.features)
    features[6] = torch.nn.Conv2d(256, 384, kernel_size=3, device="meta")  # padding 1 forgotten
    model.features = torch.nn.Sequential(*features)
    mine = trace(model, info.input_shape).rows
    steps = align(reference, mine)
    found = first_divergence(steps)
    assert found is not None
    view = ModelView("AlexNet", tuple(reference), tuple(mine), tuple(steps), found[0])
    frame = layer_table(view, "en")
    row = frame.iloc[view.divergence]
    assert (row["match"], row["reference output"], row["your output"]) == ("✗", "384x13x13", "384x11x11")
    assert frame["match"].iloc[0] == "✓" and frame["reference params"].iloc[0] == 34944
    assert view.learner_index() == (view.divergence, False) == view.reference_index()
    assert list(layer_table(view, "zh-TW").columns)[:3] == ["#", "相符", "參考模型的層"]


def test_the_layer_table_shows_a_layer_the_comparison_reads_as_another_as_the_learner_wrote_it():
    """AlexNet's fc6 as a 6x6 convolution over the whole map (grader.compare.flatten_first)."""
    reference = _rows("AlexNet")
    info = solutions.get_model_info("AlexNet")
    model = info.build(device="meta")
    fc6 = torch.nn.Conv2d(256, 4096, kernel_size=6, device="meta")
    head = torch.nn.Sequential(torch.nn.Dropout(), fc6, torch.nn.ReLU(), torch.nn.Flatten(),
                               *list(model.classifier)[3:])
    convolutional = torch.nn.Sequential(model.features, head)
    mine = canonical(list(trace(convolutional, info.input_shape).rows), list(reference))
    steps = align(reference, mine)
    assert first_divergence(steps) is None
    view = ModelView("AlexNet", tuple(reference), tuple(mine), tuple(steps), None)
    layers = list(layer_table(view, "en")["your layer"])
    assert "conv layer 6x6 (read as fc layer 9216 -> 4096)" in layers
    assert "卷積層 6x6（視為全連接層 9216 -> 4096）" in list(layer_table(view, "zh-TW")["你的層"])


def _answer_patterns(answer: object) -> list[str]:
    """How notes would print a worksheet answer: a shape as 6x28x28, 6 x 28 x 28 or (6, 28, 28); a count
    of 100 or more as 2416, 2,416 or LaTeX's 2{,}416. (Smaller numbers are everywhere in the notes: they
    are not searched for.)"""
    if isinstance(answer, tuple):
        return [re.escape(text) for text in ("x".join(map(str, answer)), " x ".join(map(str, answer)), repr(answer))]
    if not isinstance(answer, int) or answer < 100:
        return []
    forms = {str(answer), f"{answer:,}", f"{answer:,}".replace(",", "{,}")}
    return [rf"(?<![\d,.]){re.escape(form)}(?![\d,])" for form in forms]


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c.id in WORKSHEETS], ids=lambda c: c.id)
def test_the_notes_print_no_worksheet_answer_above_the_worksheet(chapter):
    """The notes the notebooks, the app and the README show before the worksheet teach the method with other
    numbers; the chapter's own shapes and counts sit in the answers block after it."""
    readme = chapter.exercise_path(committed()).parent / "README.md"
    for lang in ("en", "zh-TW"):
        shown = "\n".join(body for _, body in read_notes(readme, lang))
        kept = "\n".join(body for _, body in read_answers(readme, lang))
        found = [blank.name for blank in WORKSHEETS[chapter.id] for pattern in _answer_patterns(blank.answer())
                 if re.search(pattern, shown)]
        assert not found, (lang, found)
        assert any(re.search(pattern, kept) for blank in WORKSHEETS[chapter.id]
                   for pattern in _answer_patterns(blank.answer())) or chapter.id == "ch00_formulas", lang
    notebook = "\n".join(cell.source for cell in chapter_notebook(chapter, root=committed()).cells
                         if cell.cell_type == "markdown")
    assert "<details>" not in notebook and "Check your worksheet" not in notebook  # graded: no answers at all
