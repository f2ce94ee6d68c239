"""The diagnose stage on hand-made rows: the kind, layer and suspect of a difference, the formula with the
learner's numbers, the fix as data, and a crash explained by the difference upstream of it."""

from __future__ import annotations

from dataclasses import replace

from grader.compare import align, first_divergence
from grader.diagnose import Finding, diagnose_crash, diagnose_step, merges_batch, output_finding
from grader.protocol import ErrorInfo, OpRow
from tests.test_compare import CHAIN, conv


def test_a_padding_mistake_names_the_layer_the_formula_and_the_setting() -> None:
    mine = [replace(CHAIN[0], output_shape=(8, 30, 30), hparams={**CHAIN[0].hparams, "padding": 0}), *CHAIN[1:]]
    steps = align(CHAIN, mine)
    index, _ = first_divergence(steps)
    finding = diagnose_step(steps, index, "Net", "en")
    assert (finding.kind, finding.layer, finding.suspect) == ("shape", 1, "padding")
    assert "8x30x30" in finding.message and "8x32x32" in finding.message
    assert "floor((32 - 3 + 2*0) / 1) + 1 = 30" in finding.hints[1]
    assert "padding=1 keeps 32x32" in finding.hints[2]
    assert (finding.fix.action, finding.fix.hparams) == ("set", {"padding": 1})


def test_a_crash_is_explained_by_the_first_difference_before_it() -> None:
    fc = OpRow("linear", (10,), (4096,), layer=3, hparams={"in_features": 4096, "out_features": 10, "bias": True})
    flatten = OpRow("flatten", (4096,), (16, 16, 16), inputs=(3,))
    reference = [*CHAIN, flatten, fc]
    ran = [replace(CHAIN[0], output_shape=(8, 30, 30), hparams={**CHAIN[0].hparams, "padding": 0}),
           replace(CHAIN[1], output_shape=(8, 30, 30), input_shape=(8, 30, 30)),
           replace(CHAIN[2], output_shape=(8, 15, 15), input_shape=(8, 30, 30)),
           replace(CHAIN[3], output_shape=(16, 15, 15), input_shape=(8, 15, 15)),
           replace(flatten, output_shape=(3600,), input_shape=(16, 15, 15))]
    error = ErrorInfo("error", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x3600 and 4096x10)", 9,
                      "return self.fc(x)", "forward")
    raw = Finding("error", "net.py, line 9: the forward pass raised RuntimeError: ...")
    finding, steps, index = diagnose_crash(error, raw, ran, reference, "Net", "en")
    assert (finding.kind, finding.layer, finding.suspect, index) == ("shape", 1, "padding", 0)
    assert "That is why flatten then gives 16*15*15 = 3,600 features where the 3rd weight layer expects 4,096." in finding.message
    assert finding.hints[0].endswith(raw.message) and finding.line == 9  # the exception's own words, at its line


def test_a_crash_after_layers_that_all_match_is_explained_where_it_happened() -> None:
    fc = OpRow("linear", (10,), (4096,), layer=3, hparams={"in_features": 4096, "out_features": 10, "bias": True})
    reference = [*CHAIN, OpRow("flatten", (4096,), (16, 16, 16), inputs=(3,)), fc]
    error = ErrorInfo("error", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x4096 and 4000x10)")
    finding, _, index = diagnose_crash(error, Finding("error", "raw"), reference[:-1], reference, "Net", "en")
    assert (finding.kind, finding.layer, finding.suspect, index) == ("error", 3, "in_features", None)
    assert "nn.Linear(4096, ...)" in finding.hints[2]
    assert (finding.fix.hparams, finding.fix.weight) == ({"in_features": 4096}, (10, 4000))


def test_the_first_convolution_is_never_told_to_change_the_image() -> None:
    error = ErrorInfo("error", "RuntimeError", "Given groups=1, weight of size [8, 1, 3, 3], expected input[2, 3, 32, 32] "
                      "to have 1 channels, but got 3 channels instead")
    finding, _, _ = diagnose_crash(error, Finding("error", "raw"), [], CHAIN, "Net", "en")
    assert (finding.suspect, finding.fix.hparams) == ("in_channels", {"in_channels": 3})
    assert "the image, which has 3 channels" in finding.hints[2] and "previous layer" not in " ".join(finding.hints)


def test_batch_and_output_mistakes() -> None:
    merged = OpRow("reshape", (), (16, 5, 5))  # x.view(-1): a batch of 2 became 800 values
    kept = OpRow("flatten", (400,), (16, 5, 5))
    assert merges_batch(merged) and not merges_batch(kept)
    assert output_finding("Tensor", (10,), "Net", "en") is None
    none = output_finding("NoneType", (), "Net", "zh-TW")
    assert none.kind == "output" and "None" in none.message and "return x" in none.hints[2]
    assert "a tuple of 2" in output_finding("tuple of 2", (10,), "Net", "en").message


def test_a_missing_convolution_is_added_after_the_layer_before_it() -> None:
    mine = [CHAIN[0], CHAIN[1], CHAIN[2]]
    steps = align([*CHAIN, conv(16, 16, inn=16, layer=3, inputs=(3,))], mine)
    index, _ = first_divergence(steps)
    finding = diagnose_step(steps, index, "Net", "en")
    assert finding.kind == "missing_layer" and finding.fix.action == "add" and finding.fix.row.op == "conv2d"
