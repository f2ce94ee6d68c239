"""The grader's catalogue of learner mistakes.

Every file in tests/learners/ is a model file as a learner would write it: correct ones in different
coding styles, and single-defect ones (one mistake each). The table below says what the grader must
answer for each: "all pass" with full marks, or the first failing check with its kind, layer (1-based
weight layer of the first divergence) and suspect hyperparameter, exactly. Formula hints are checked for
the numbers they print, in both languages on a few cases; bad inputs (syntax errors, endless loops,
exits, crashes, floods, memory hogs, ...) must each get a verdict, quickly, without hurting the caller.

Rows marked xfail(strict=True) are known wrong verdicts of the grader; the reason names the wrong
behaviour and where the fix belongs. When the fix lands, the row XPASSes and strict mode fails it:
remove the mark then.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from torch import nn

from grader import reference
from grader.chapters import CHAPTERS, get_chapter
from grader.cli import main
from grader.compare import align, canonical, first_divergence
from grader.diagnose import Finding, diagnose_crash
from grader.edition import build_student_edition
from grader.isolate import warm_up
from grader.load import import_path
from grader.pipeline import grade
from grader.protocol import ErrorInfo
from grader.report import KINDS, Check, Fix, Report
from grader.trace import trace
from tests.conftest import ROOT, committed, edition_python

pytestmark = pytest.mark.slow

LEARNERS = Path(__file__).resolve().parent / "learners"
ALL = "all pass"
SLOW_MACHINE_TIMEOUT = 120.0  # for the catalogue; the timeout cases use 3 s

# -- known gaps: one reason each, named where the fix belongs (none open now; keep the mechanism) ----------
def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def chapter_of(file: str) -> str:
    folder = file.split("/")[0]
    return "ch01_lenet" if folder == "bad" else folder


@functools.cache
def graded(file: str, lang: str = "en") -> Report:
    """Each learner file is graded once per language for the whole module (a forked child each time)."""
    return grade(chapter_of(file), LEARNERS / file, lang, timeout=SLOW_MACHINE_TIMEOUT)


def explain(report: Report) -> str:
    return "\n" + report.render_text(hints=3)


@pytest.fixture(scope="module", autouse=True)
def _forkserver():
    """Start the forkserver (it imports torch) before anything is timed."""
    warm_up()
    assert grade("ch01", ROOT / "solutions/ch01_lenet/lenet.py").passed


# -- the catalogue ------------------------------------------------------------------------------------
def case(file: str, check: str = ALL, kind: str | None = None, layer: int | None = None,
         suspect: str | None = None, *, fails: str | None = None):
    marks = [xfail(fails)] if fails else []
    return pytest.param(file, check, kind, layer, suspect, id=file, marks=marks)


CATALOGUE = [
    # -- chapter 1: LeNet-5 -----------------------------------------------------------------------------
    case("ch01_lenet/correct_sequential.py"),
    case("ch01_lenet/correct_functional.py"),
    case("ch01_lenet/correct_modulelist.py"),
    case("ch01_lenet/float64_default.py"),
    case("ch01_lenet/kernel3_conv1.py", "LeNet5.structure", "shape", 1, "kernel_size"),
    case("ch01_lenet/out32_conv2.py", "LeNet5.structure", "shape", 2, "out_channels"),
    case("ch01_lenet/fc2_80.py", "LeNet5.structure", "shape", 4, "out_features"),
    case("ch01_lenet/no_relu_fc1.py", "LeNet5.structure", "activation", 3, None),
    case("ch01_lenet/avgpool.py", "LeNet5.structure", "pooling", 1, None),
    case("ch01_lenet/tanh.py", "LeNet5.structure", "activation", 1, None),
    case("ch01_lenet/hardcoded_10.py", "LeNet5.num_classes", "num_classes", 5, "num_classes"),
    case("ch01_lenet/extra_softmax.py", "LeNet5.structure", "extra_layer", 5, None),
    case("ch01_lenet/bias_false.py", "LeNet5.params", "params", 1, None),
    case("ch01_lenet/extra_dropout.py", "LeNet5.structure", "extra_layer", 3, None),
    case("ch01_lenet/extra_conv.py", "LeNet5.structure", "extra_layer", 3, None),
    case("ch01_lenet/d2l_lenet_adapted.py", "LeNet5.structure", "shape", 1, "padding"),
    case("ch01_lenet/fc1_in_features.py", "LeNet5.structure", "error", 3, "in_features"),
    case("ch01_lenet/unused_aux_head.py", "LeNet5.params", "params", None, None),
    case("ch01_lenet/correct_lazy.py"),
    case("ch01_lenet/view_minus_one.py", "LeNet5.structure", "batch", 2, "start_dim"),
    case("ch01_lenet/no_return.py", "LeNet5.structure", "output", None, None),
    case("ch01_lenet/foward_typo.py", "LeNet5.structure", "no_forward", None, None),
    case("ch01_lenet/d2l_lenet.py", "LeNet5.structure", "shape", 1, "padding"),  # root cause, not the crash
    case("ch01_lenet/correct_c5_conv.py"),  # C5 as a 5x5 convolution over the 5x5 map is fc1
    case("ch01_lenet/correct_mnist_example.py"),  # F.relu(F.max_pool2d(...)): the same values
    case("ch01_lenet/lecun_tanh_avgpool.py", "LeNet5.structure", "activation", 1, None),
    case("ch01_lenet/mnist_example_pad_conv2.py", "LeNet5.structure", "shape", 2, "padding"),
    case("ch01_lenet/log_softmax_ordereddict.py", "LeNet5.structure", "extra_layer", 5, None),
    case("ch01_lenet/no_num_classes_param.py", "LeNet5.num_classes", "num_classes", 5, "num_classes"),
    case("ch01_lenet/plain_list_layers.py", "LeNet5.params", "params", 1, None),
    case("ch01_lenet/layers_made_in_forward.py", "LeNet5.params", "params", 1, None),
    # -- chapter 2: AlexNet -----------------------------------------------------------------------------
    case("ch02_alexnet/correct_sequential.py"),
    case("ch02_alexnet/correct_functional.py"),
    case("ch02_alexnet/correct_blocks.py"),
    case("ch02_alexnet/pad0_conv3.py", "AlexNet.structure", "shape", 3, "padding"),
    case("ch02_alexnet/stride2_conv1.py", "AlexNet.structure", "shape", 1, "stride"),
    case("ch02_alexnet/kernel3_conv2.py", "AlexNet.structure", "shape", 2, "kernel_size"),
    case("ch02_alexnet/torchvision_64.py", "AlexNet.structure", "shape", 1, "out_channels"),
    case("ch02_alexnet/lrn.py", "AlexNet.structure", "extra_layer", 1, None),
    case("ch02_alexnet/sigmoid_fc.py", "AlexNet.structure", "activation", 6, None),
    case("ch02_alexnet/no_dropout2.py", "AlexNet.structure", "missing_layer", 6, None),
    case("ch02_alexnet/hardcoded_1000.py", "AlexNet.num_classes", "num_classes", 8, "num_classes"),
    case("ch02_alexnet/dropout_always_on.py", "AlexNet.function", "function", None, None),
    case("ch02_alexnet/fc1_in_features.py", "AlexNet.structure", "error", 6, "in_features"),
    case("ch02_alexnet/correct_lazy.py"),
    case("ch02_alexnet/cifar_first_block.py", "AlexNet.structure", "shape", 1, "kernel_size"),
    case("ch02_alexnet/flatten_no_start_dim.py", "AlexNet.structure", "batch", 5, "start_dim"),
    case("ch02_alexnet/correct_fully_convolutional.py"),
    case("ch02_alexnet/cuda_in_forward.py", "AlexNet.structure", "error", None, None),
    case("ch02_alexnet/two_gpu_groups.py", "AlexNet.structure", "params", 2, "groups"),
    case("ch02_alexnet/input_227_no_padding.py", "AlexNet.structure", "shape", 1, "padding"),
    case("ch02_alexnet/fully_convolutional_fc6_4000.py", "AlexNet.structure", "shape", 6, "out_channels"),
    case("ch02_alexnet/fully_convolutional_fc6_4000_unadjusted.py", "AlexNet.structure", "shape", 6, "out_channels"),
    # -- chapter 3: ZFNet -------------------------------------------------------------------------------
    case("ch03_zfnet/correct_sequential.py"),
    case("ch03_zfnet/correct_functional.py"),
    case("ch03_zfnet/correct_modulelist.py"),
    case("ch03_zfnet/no_ceil_pool1.py", "ZFNet.structure", "shape", 1, None),
    case("ch03_zfnet/pad0_conv1.py", "ZFNet.structure", "shape", 1, "padding"),
    case("ch03_zfnet/out256_conv4.py", "ZFNet.structure", "shape", 4, "out_channels"),
    case("ch03_zfnet/no_relu_conv3.py", "ZFNet.structure", "activation", 3, None),
    case("ch03_zfnet/extra_softmax.py", "ZFNet.structure", "extra_layer", 8, None),
    case("ch03_zfnet/avgpool_last.py", "ZFNet.structure", "pooling", 5, None),
    case("ch03_zfnet/lrn.py", "ZFNet.structure", "extra_layer", 1, None),
    case("ch03_zfnet/returns_tuple.py", "ZFNet.structure", "output", None, None),
    case("ch03_zfnet/correct_pool_then_relu.py"),
    # -- chapter 4: NiN ---------------------------------------------------------------------------------
    case("ch04_nin/correct_d2l.py"),
    case("ch04_nin/correct_solution_style.py"),
    case("ch04_nin/correct_modulelist.py"),
    case("ch04_nin/correct_mean_gap.py"),
    case("ch04_nin/stride2_conv1.py", "NiN.structure", "shape", 1, "stride"),
    case("ch04_nin/pad0_block2.py", "NiN.structure", "shape", 4, "padding"),
    case("ch04_nin/kernel3_1x1.py", "NiN.structure", "params", 2, "kernel_size"),
    case("ch04_nin/avgpool.py", "NiN.structure", "pooling", 3, None),
    case("ch04_nin/extra_batchnorm.py", "NiN.structure", "extra_layer", 1, None),
    case("ch04_nin/no_last_relu.py", "NiN.structure", "activation", 3, None),
    case("ch04_nin/no_dropout.py", "NiN.structure", "missing_layer", 9, None),
    case("ch04_nin/hardcoded_1000.py", "NiN.num_classes", "num_classes", 12, "num_classes"),
    case("ch04_nin/squeeze.py", "NiN.structure", "batch", 12, "start_dim"),
    case("ch04_nin/correct_avg_pool_whole_map.py"),
    case("ch04_nin/correct_squeeze_twice.py"),
    case("ch04_nin/correct_index_gap.py"),
    # -- chapter 5: VGG16 -------------------------------------------------------------------------------
    case("ch05_vgg/correct_make_layers.py"),
    case("ch05_vgg/correct_blocks.py"),
    case("ch05_vgg/correct_functional.py"),
    case("ch05_vgg/pad0_conv7.py", "VGG16.structure", "shape", 7, "padding"),
    case("ch05_vgg/out256_block4.py", "VGG16.structure", "shape", 8, "out_channels"),
    case("ch05_vgg/vgg13_block3.py", "VGG16.structure", "missing_layer", 7, None),
    case("ch05_vgg/extra_conv_block2.py", "VGG16.structure", "extra_layer", 5, None),
    case("ch05_vgg/avgpool.py", "VGG16.structure", "pooling", 2, None),
    case("ch05_vgg/batchnorm.py", "VGG16.structure", "extra_layer", 1, None),
    case("ch05_vgg/no_dropout.py", "VGG16.structure", "missing_layer", 14, None),
    case("ch05_vgg/hardcoded_1000.py", "VGG16.num_classes", "num_classes", 16, "num_classes"),
    case("ch05_vgg/no_maxpool.py", "VGG16.structure", "missing_layer", 2, None),
    case("ch05_vgg/ceil_mode_everywhere.py"),
    case("ch05_vgg/cifar_vgg_bn.py", "VGG16.structure", "extra_layer", 1, None),
    case("ch05_vgg/view_one_row.py", "VGG16.structure", "batch", 13, "start_dim"),
    case("ch05_vgg/forward_inside_init.py", "VGG16.structure", "no_forward", None, None),
    case("ch05_vgg/misnamed_vgg.py", "VGG16.structure", "missing_class", None, None),
    case("ch05_vgg/correct_fully_convolutional.py"),
    case("ch05_vgg/correct_init_weights.py"),
    # -- chapter 6: GoogLeNet (Inception 3a on 192x28x28, then the whole network) ------------------------
    case("ch06_googlenet/correct_sequential.py"),
    case("ch06_googlenet/correct_loop_branches.py"),
    case("ch06_googlenet/correct_functional.py"),
    case("ch06_googlenet/correct_branch_order.py"),
    case("ch06_googlenet/torchvision_3x3.py", "Inception.structure", "params", 5, "kernel_size"),
    case("ch06_googlenet/swapped_args.py", "Inception.structure", "shape", 2, "out_channels"),
    case("ch06_googlenet/no_relu_b1.py", "Inception.structure", "activation", 1, None),
    case("ch06_googlenet/lrn.py", "GoogLeNet.structure", "extra_layer", 1, None),
    case("ch06_googlenet/missing_4e.py", "GoogLeNet.structure", "missing_layer", 40, None),
    case("ch06_googlenet/hardcoded_1000.py", "GoogLeNet.num_classes", "num_classes", 58, "num_classes"),
    case("ch06_googlenet/cat_order.py", "Inception.function", "function", None, None),
    case("ch06_googlenet/cat_order_inline.py", "Inception.function", "function", None, None),
    case("ch06_googlenet/pad0_3x3.py", "Inception.structure", "shape", 3, "padding"),
    case("ch06_googlenet/missing_4e_unadjusted.py", "GoogLeNet.structure", "missing_layer", 40, None),
    case("ch06_googlenet/table_4c_pool_proj.py", "GoogLeNet.structure", "shape", 33, "out_channels"),
    case("ch06_googlenet/branch_order_wrong_ch5x5.py", "Inception.structure", "shape", 5, "out_channels"),
    case("ch06_googlenet/correct_paper_avgpool7.py"),
    case("ch06_googlenet/correct_concat_negative_dim.py"),
    case("ch06_googlenet/correct_relu_after_cat.py"),
    case("ch06_googlenet/factorised_5x5.py", "Inception.structure", "params", 5, "kernel_size"),
    case("ch06_googlenet/avgpool_branch.py", "Inception.structure", "pooling", 5, None),
    case("ch06_googlenet/d2l_inception_signature.py", "Inception.structure", "signature", None, None),
]


@pytest.mark.parametrize(("file", "check", "kind", "layer", "suspect"), CATALOGUE)
def test_catalogue(file: str, check: str, kind: str | None, layer: int | None, suspect: str | None) -> None:
    report = graded(file)
    if check == ALL:
        assert report.passed, explain(report)
        assert report.score == report.max_score == get_chapter(chapter_of(file)).max_score
        return
    assert kind in KINDS
    failure = report.first_failure()
    assert failure is not None, explain(report)
    got = (failure.id, failure.kind, failure.layer, failure.suspect)
    assert got == (check, kind, layer, suspect), explain(report)
    assert failure.points < failure.max_points and failure.message and failure.hints, explain(report)
    assert report.score < report.max_score


def _catalogued() -> set[str]:
    return {param.values[0] for param in CATALOGUE}


def test_every_learner_file_is_in_the_catalogue() -> None:
    on_disk = {str(p.relative_to(LEARNERS)) for p in LEARNERS.glob("ch0*/*.py")}
    assert on_disk == _catalogued()


def test_the_catalogue_covers_every_network() -> None:
    """At least five single-defect and three correct variants per network, each a valid Python file."""
    for chapter in ("ch01_lenet", "ch02_alexnet", "ch03_zfnet", "ch04_nin", "ch05_vgg", "ch06_googlenet"):
        rows = [param.values for param in CATALOGUE if param.values[0].startswith(chapter)]
        correct = [row for row in rows if row[1] == ALL]
        defects = [row for row in rows if row[1] != ALL and row[2] not in ("missing_class",)]
        assert len(correct) >= 3, chapter
        assert len(defects) >= 5, chapter
        for row in rows:
            ast.parse((LEARNERS / row[0]).read_text())


# -- what else a verdict says: the variant it recognised, the other checks ----------------------------
@pytest.mark.parametrize(("file", "check", "variant", "words"), [
    ("ch01_lenet/d2l_lenet_adapted.py", "LeNet5.structure", "d2l_lenet", "Dive into Deep Learning"),
    ("ch01_lenet/lecun_tanh_avgpool.py", "LeNet5.structure", "lecun_lenet", "LeCun et al. published it in 1998"),
    ("ch02_alexnet/torchvision_64.py", "AlexNet.structure", "torchvision_alexnet", "torchvision's AlexNet"),
    ("ch02_alexnet/lrn.py", "AlexNet.structure", "lrn", "(LRN)"),
    ("ch02_alexnet/two_gpu_groups.py", "AlexNet.structure", "two_gpu_alexnet", "split over two GPUs"),
    ("ch02_alexnet/input_227_no_padding.py", "AlexNet.structure", "alexnet_227", "227x227 input"),
    ("ch03_zfnet/lrn.py", "ZFNet.structure", "lrn", "(LRN)"),
    ("ch06_googlenet/lrn.py", "GoogLeNet.structure", "lrn", "(LRN)"),
    ("ch06_googlenet/torchvision_3x3.py", "Inception.structure", "torchvision_googlenet", "torchvision's GoogLeNet"),
    ("ch06_googlenet/torchvision_3x3.py", "GoogLeNet.structure", "torchvision_googlenet", "torchvision's GoogLeNet"),
    ("ch06_googlenet/factorised_5x5.py", "Inception.structure", "factorised_5x5", "Inception v2 and v3"),
    # on models that crash too: the variant is said with the root cause
    ("ch05_vgg/cifar_vgg_bn.py", "VGG16.structure", "batch_norm", "batch norm (nn.BatchNorm2d)"),
    ("ch05_vgg/batchnorm.py", "VGG16.structure", "batch_norm", "remove the batch norm layers"),
    ("ch02_alexnet/cifar_first_block.py", "AlexNet.structure", "cifar", "nn.Conv2d(3, 96, kernel_size=11, stride=4, padding=2)"),
])
def test_recognised_variants(file: str, check: str, variant: str, words: str) -> None:
    found = graded(file).check(check)
    assert (found.passed, found.variant) == (False, variant)
    assert words in found.message and words in found.hints[0]


def test_an_extra_softmax_is_named_by_structure_and_function() -> None:
    report = graded("ch01_lenet/extra_softmax.py")
    assert "softmax" in report.check("LeNet5.structure").message
    function = report.check("LeNet5.function")
    assert function.kind == "function"
    assert any("sum to 1" in hint for hint in function.hints)


@pytest.mark.parametrize(("file", "check", "en", "zh"), [
    # another book's signature: the learner's own def __init__ line, never "a bug in cnn-dojo"
    ("ch06_googlenet/d2l_inception_signature.py", "Inception.structure", "cannot be built the way the exercise", "無法用練習的方式建立"),
    ("ch01_lenet/no_num_classes_param.py", "LeNet5.num_classes", "takes no num_classes argument", "沒有 num_classes 參數"),
    ("ch01_lenet/plain_list_layers.py", "LeNet5.params", "nn.ModuleList", "nn.ModuleList"),
    ("ch01_lenet/plain_list_layers.py", "LeNet5.function", "not parameters of the model", "不是模型的參數"),
    ("ch02_alexnet/cuda_in_forward.py", "AlexNet.structure", "no GPU here", "這裡也沒有 GPU"),
])
def test_mistakes_outside_the_layers_are_explained_in_both_languages(file: str, check: str, en: str, zh: str) -> None:
    for lang, words in (("en", en), ("zh-TW", zh)):
        found = graded(file, lang).check(check)
        assert not found.passed and found.kind != "internal" and len(found.hints) == 3
        assert any(words in text for text in (found.message, *found.hints)), explain(graded(file, lang))


def test_a_log_softmax_at_the_end_is_named_by_structure_and_function() -> None:
    report = graded("ch01_lenet/log_softmax_ordereddict.py")
    assert "log_softmax" in report.check("LeNet5.structure").message
    assert any("log-probabilities" in hint for hint in report.check("LeNet5.function").hints)
    zh = graded("ch01_lenet/log_softmax_ordereddict.py", "zh-TW")
    assert any("對數機率" in hint for hint in zh.check("LeNet5.function").hints)


def test_concatenation_order_only_the_function_check_sees() -> None:
    """y1..y4 computed in order, torch.cat([y2, y1, y3, y4]): every shape and count is right."""
    report = graded("ch06_googlenet/cat_order.py")
    for check in ("Inception.structure", "Inception.params", "GoogLeNet.structure", "GoogLeNet.params",
                  "GoogLeNet.num_classes"):
        assert report.check(check).passed, explain(report)
    function = report.check("GoogLeNet.function")
    assert (function.passed, function.kind) == (False, "function")
    assert "torch.cat" in function.hints[1]


def test_inception_function_mismatch_is_a_function_verdict() -> None:
    """Inception's forward differs (no ReLU in the 1x1 branch): the function check must say so, not crash."""
    function = graded("ch06_googlenet/no_relu_b1.py").check("Inception.function")
    assert function.kind == "function", function.message


def test_function_check_does_not_claim_matching_shapes_after_a_shape_divergence() -> None:
    report = graded("ch02_alexnet/pad0_conv3.py")
    assert report.check("AlexNet.structure").kind == "shape"
    function = report.check("AlexNet.function")
    assert "every shape matches" not in function.message
    assert not any("cannot see everything" in hint for hint in function.hints)


# -- formula hints: the numbers they print ------------------------------------------------------------
@pytest.mark.parametrize(("file", "check", "level", "parts"), [
    # the learner's numbers in the formula (hint 2) and the setting that fixes it (hint 3)
    ("ch02_alexnet/pad0_conv3.py", "AlexNet.structure", 2, ["floor((13 - 3 + 2*0) / 1) + 1 = 11"]),
    ("ch02_alexnet/pad0_conv3.py", "AlexNet.structure", 3,
     ["padding=1", "keeps 13x13", "floor((13 - 3 + 2*1) / 1) + 1 = 13"]),
    ("ch02_alexnet/pad0_conv3.py", "AlexNet.structure", 1, ["the 3rd weight layer (`self.features[6]`)", "384x11x11", "384x13x13"]),
    ("ch02_alexnet/stride2_conv1.py", "AlexNet.structure", 2, ["floor((224 - 11 + 2*2) / 2) + 1 = 109"]),
    ("ch02_alexnet/stride2_conv1.py", "AlexNet.structure", 3,
     ["stride=4 gives 55x55", "floor((224 - 11 + 2*2) / 4) + 1 = 55"]),
    ("ch01_lenet/kernel3_conv1.py", "LeNet5.structure", 2, ["floor((32 - 3 + 2*0) / 1) + 1 = 30"]),
    ("ch01_lenet/kernel3_conv1.py", "LeNet5.structure", 3,
     ["kernel_size=5 gives 28x28", "floor((32 - 5 + 2*0) / 1) + 1 = 28"]),
    ("ch01_lenet/d2l_lenet_adapted.py", "LeNet5.structure", 2, ["floor((32 - 5 + 2*2) / 1) + 1 = 32"]),
    ("ch01_lenet/d2l_lenet_adapted.py", "LeNet5.structure", 3, ["padding=0 gives 28x28"]),
    ("ch03_zfnet/no_ceil_pool1.py", "ZFNet.structure", 2, ["floor((110 - 3) / 2) + 1 = 54"]),
    ("ch03_zfnet/no_ceil_pool1.py", "ZFNet.structure", 3, ["ceil_mode=True", "ceil((110 - 3) / 2) + 1 = 55"]),
    ("ch03_zfnet/pad0_conv1.py", "ZFNet.structure", 2, ["floor((224 - 7 + 2*0) / 2) + 1 = 109"]),
    ("ch03_zfnet/pad0_conv1.py", "ZFNet.structure", 3, ["padding=1 gives 110x110"]),
    ("ch04_nin/pad0_block2.py", "NiN.structure", 2, ["floor((26 - 5 + 2*0) / 1) + 1 = 22"]),
    ("ch04_nin/pad0_block2.py", "NiN.structure", 3, ["padding=2 keeps 26x26"]),
    ("ch04_nin/stride2_conv1.py", "NiN.structure", 2, ["floor((224 - 11 + 2*0) / 2) + 1 = 107"]),
    ("ch04_nin/stride2_conv1.py", "NiN.structure", 3, ["stride=4 gives 54x54"]),
    ("ch05_vgg/pad0_conv7.py", "VGG16.structure", 1, ["the 7th weight layer", "256x54x54", "256x56x56"]),
    ("ch05_vgg/pad0_conv7.py", "VGG16.structure", 2, ["floor((56 - 3 + 2*0) / 1) + 1 = 54"]),
    ("ch05_vgg/pad0_conv7.py", "VGG16.structure", 3, ["padding=1 keeps 56x56"]),
    ("ch05_vgg/out256_block4.py", "VGG16.structure", 2, ["out_channels=256 gives 256 channels", "has 512"]),
    ("ch05_vgg/out256_block4.py", "VGG16.structure", 3, ["out_channels=512"]),
    # same output size, other kernel: the parameter count is the reason, with both counts
    ("ch04_nin/kernel3_1x1.py", "NiN.structure", 2,
     ["Both give 54x54", "96 * 96 * 3 * 3 + 96 = 83,040", "96 * 96 * 1 * 1 + 96 = 9,312"]),
    ("ch04_nin/kernel3_1x1.py", "NiN.structure", 3, ["kernel_size=1, padding=0"]),
    ("ch06_googlenet/torchvision_3x3.py", "Inception.structure", 2,
     ["32 * 16 * 3 * 3 + 32 = 4,640", "32 * 16 * 5 * 5 + 32 = 12,832"]),
    ("ch06_googlenet/torchvision_3x3.py", "Inception.structure", 3, ["floor((28 - 5 + 2*2) / 1) + 1 = 28"]),
    # the params check's formula
    ("ch01_lenet/out32_conv2.py", "LeNet5.params", 2, ["32 * 6 * 5 * 5 + 32 = 4,832"]),
    ("ch01_lenet/bias_false.py", "LeNet5.params", 2, ["(no bias) = 6 * 1 * 5 * 5 = 150"]),
    ("ch01_lenet/bias_false.py", "LeNet5.params", 3, ["bias=False"]),
    ("ch01_lenet/d2l_lenet_adapted.py", "LeNet5.params", 2, ["576 * 120 + 120 = 69,240"]),
    ("ch02_alexnet/torchvision_64.py", "AlexNet.params", 2, ["64 * 3 * 11 * 11 + 64 = 23,296"]),
    # the other checks
    ("ch01_lenet/hardcoded_10.py", "LeNet5.num_classes", 1, ["num_classes=7", "10 outputs"]),
    ("ch01_lenet/hardcoded_10.py", "LeNet5.num_classes", 3, ["nn.Linear(84, num_classes)"]),
    ("ch04_nin/hardcoded_1000.py", "NiN.num_classes", 3, ["nn.Conv2d(384, num_classes"]),
    ("ch05_vgg/vgg13_block3.py", "VGG16.structure", 3, ["nn.Conv2d(256, 256, kernel_size=3, padding=1)"]),
    ("ch05_vgg/extra_conv_block2.py", "VGG16.structure", 2, ["nn.Conv2d(128, 128, kernel_size=3, padding=1)"]),
    # runtime errors
    ("ch02_alexnet/fc1_in_features.py", "AlexNet.structure", 1, ["9,216 features", "expects 6,400"]),
    ("ch02_alexnet/fc1_in_features.py", "AlexNet.structure", 2, ["256*6*6 = 9,216"]),
    ("ch02_alexnet/fc1_in_features.py", "AlexNet.structure", 3, ["nn.Linear(9216, ...)", "the number of values flatten gives"]),
    # a crash is explained by its root cause upstream, the crash is its consequence
    ("ch01_lenet/d2l_lenet.py", "LeNet5.structure", 1,
     ["the 1st weight layer (`self.net[0]`)", "6x32x32", "6x28x28",
      "That is why flatten then gives 16*6*6 = 576 features where the 3rd weight layer (`self.net[7]`) expects 400"]),
    ("ch01_lenet/d2l_lenet.py", "LeNet5.structure", 2, ["floor((32 - 5 + 2*2) / 1) + 1 = 32"]),
    ("ch01_lenet/d2l_lenet.py", "LeNet5.structure", 3, ["padding=0 gives 28x28"]),
    ("ch06_googlenet/table_4c_pool_proj.py", "GoogLeNet.structure", 1,
     ["inception 4c outputs 480 channels where the table gives 512", "pool_proj", "32 filters, the table says 64",
      "128 + 256 + 64 + 32 = 480", "That is why"]),
    ("ch06_googlenet/table_4c_pool_proj.py", "GoogLeNet.structure", 2, ["128 + 256 + 64 + 64 = 512"]),
    ("ch06_googlenet/table_4c_pool_proj.py", "GoogLeNet.structure", 3,
     ["pool_proj=64 in inception 4c", "Inception(512, 128, 128, 256, 24, 64, 64)"]),
    ("ch06_googlenet/branch_order_wrong_ch5x5.py", "Inception.structure", 1, ["ch5x5", "64 + 128 + 64 + 32 = 288"]),
    ("ch06_googlenet/missing_4e_unadjusted.py", "GoogLeNet.structure", 1, ["inception 4e is missing"]),
    ("ch06_googlenet/missing_4e_unadjusted.py", "GoogLeNet.structure", 3, ["Inception(528, 256, 160, 320, 32, 128, 128)"]),
    pytest.param("ch02_alexnet/fc1_in_features.py", "AlexNet.structure", 1, ["256*6*6 = 9,216", "the 6th weight layer"]),
    pytest.param("ch01_lenet/fc1_in_features.py", "LeNet5.structure", 1, ["16*5*5 = 400", "the 3rd weight layer"]),
    pytest.param("ch01_lenet/d2l_lenet.py", "LeNet5.structure", 1, ["16*6*6 = 576", "the 3rd weight layer"]),
    pytest.param("ch06_googlenet/missing_4e_unadjusted.py", "GoogLeNet.structure", 1,
                 ["the 40th weight layer", "then receives 528 channels where it expects 832"]),
])
def test_hint_numbers(file: str, check: str, level: int, parts: list[str]) -> None:
    found = graded(file).check(check)
    assert not found.passed
    assert len(found.hints) >= level
    hint = found.hints[level - 1]
    for part in parts:
        assert part in hint, f"{part!r} not in hint {level}: {hint!r}"


def test_cat_error_points_at_the_branch_that_changed_size() -> None:
    """diagnose_error, given the rows that ran before torch.cat failed (once the tracer returns them): the
    3x3 branch without padding, conv layer 3, is the layer to fix, not the last one that ran."""
    ref = list(reference.for_spec(get_chapter("ch06").models[0]).rows)
    assert [row.op for row in ref][-1] == "cat"
    partial = []
    for row in ref[:-1]:  # everything ran but the cat; conv layer 3 without padding gives 26x26
        if row.layer == 3 or (partial and partial[-1].layer == 3 and row.op == "relu"):
            hparams = {**row.hparams, "padding": 0} if row.op == "conv2d" else row.hparams
            inputs = (row.input_shape[0], 26, 26) if row.op == "relu" else row.input_shape
            row = replace(row, output_shape=(row.output_shape[0], 26, 26), input_shape=inputs, hparams=hparams)
        partial.append(row)
    error = ErrorInfo("error", "RuntimeError", "Sizes of tensors must match except in dimension 1. Expected size 28 but "
                      "got size 26 for tensor number 1 in the list.", stage="forward")
    raw = Finding("error", "inception.py, line 30: the forward pass raised RuntimeError: Sizes of tensors ...")
    finding, _, _ = diagnose_crash(error, raw, partial, ref, "Inception", "en")
    assert (finding.kind, finding.layer, finding.suspect) == ("shape", 3, "padding")
    assert "torch.cat" in finding.message


# -- both languages -----------------------------------------------------------------------------------
def test_zh_tw_alexnet_padding() -> None:
    en, zh = graded("ch02_alexnet/pad0_conv3.py"), graded("ch02_alexnet/pad0_conv3.py", "zh-TW")
    assert zh.lang == "zh-TW"
    a, b = en.first_failure(), zh.first_failure()
    assert (b.id, b.kind, b.layer, b.suspect) == (a.id, a.kind, a.layer, a.suspect) == ("AlexNet.structure", "shape", 3, "padding")
    assert "第 3 個權重層（`self.features[6]`）" in b.message and "384x11x11" in b.message and "384x13x13" in b.message
    assert "floor((13 - 3 + 2*0) / 1) + 1 = 11" in b.hints[1]
    assert "padding=1" in b.hints[2] and "可以維持 13x13" in b.hints[2] and "= 13" in b.hints[2]
    assert zh.check("AlexNet.params").passed and zh.score == en.score


def test_zh_tw_other_verdicts() -> None:
    nin = graded("ch04_nin/kernel3_1x1.py", "zh-TW").first_failure()
    assert (nin.kind, nin.layer, nin.suspect) == ("params", 2, "kernel_size")
    assert "兩者都輸出 54x54" in nin.hints[1] and "96 * 96 * 3 * 3 + 96 = 83,040" in nin.hints[1]
    vgg = graded("ch05_vgg/vgg13_block3.py", "zh-TW").first_failure()
    assert (vgg.kind, vgg.layer) == ("missing_layer", 7)
    assert "少了一個卷積層" in vgg.message
    lenet = graded("ch01_lenet/hardcoded_10.py", "zh-TW").first_failure()
    assert lenet.kind == "num_classes" and "輸出 10 個值" in lenet.message
    stub = graded("bad/stub.py", "zh-TW")
    assert stub.not_started and "還沒開始寫" in stub.checks[0].message


# -- bad inputs ---------------------------------------------------------------------------------------
def assert_all_fail(report: Report, kind: str, *words: str) -> Check:
    assert not report.passed and report.score == 0, explain(report)
    assert {check.kind for check in report.checks} == {kind}, explain(report)
    assert len(report.checks) == len(get_chapter(report.chapter).models[0].checks)
    first = report.checks[0]
    for word in words:
        assert word in first.message, first.message
    return first


def test_syntax_error(tmp_path: Path) -> None:
    file = tmp_path / "lenet.py"
    shutil.copy(LEARNERS / "bad/syntax_error.txt", file)
    first = assert_all_fail(grade("ch01", file), "syntax", "line 8", "syntax error")
    assert first.layer is None and first.suspect is None


@pytest.mark.parametrize(("file", "kind", "words"), [
    ("bad/import_missing.py", "import", ["line 3", "ModuleNotFoundError", "my_layers"]),
    ("bad/not_module.py", "not_module", ["LeNet5 must be a subclass of torch.nn.Module"]),
    ("bad/stub.py", "not_implemented", ["LeNet5 is not started yet", "NotImplementedError", "line 11"]),
    ("bad/build_error.py", "error", ["building the model", "TypeError", "line 10", "nn.Linear(400)"]),
    ("bad/sys_exit.py", "exit", ["exit code 0", "sys.exit()"]),
    ("bad/os_exit.py", "exit", ["exit code 3"]),
    ("bad/segfault.py", "error", ["crashed", "signal 11"]),
])
def test_bad_input(file: str, kind: str, words: list[str]) -> None:
    report = graded(file)
    assert_all_fail(report, kind, *words)
    if kind == "not_implemented":
        assert report.not_started


def test_misnamed_class_suggests_the_name_found() -> None:
    first = assert_all_fail(graded("ch05_vgg/misnamed_vgg.py"), "missing_class", "no class named VGG16", "did you mean VGG?")
    assert "rename it to VGG16" in first.message
    zh = graded("ch05_vgg/misnamed_vgg.py", "zh-TW").checks[0]
    assert "你是不是指 VGG？" in zh.message


# -- structure before compute: each stage has its own time budget --------------------------------------
def test_a_model_slow_only_with_real_arithmetic_gets_its_structure_verdict() -> None:
    """Stage 1 (meta device) judges the structure within the limit; stage 2 runs out of its own budget and
    says the model is slow, never that it is an endless loop."""
    report = grade("ch01", LEARNERS / "slow/slow_on_real_data.py", timeout=8)
    for check in ("LeNet5.structure", "LeNet5.params", "LeNet5.num_classes"):
        assert report.check(check).passed, explain(report)
    function = report.check("LeNet5.function")
    assert (function.passed, function.kind) == (False, "function")
    assert "not finished" in function.message and "more than 8 s" in function.message and "not stuck" in function.message
    assert "endless loop" not in report.render_text(hints=3)


def test_a_model_far_too_costly_is_not_run_and_says_why() -> None:
    report = graded("ch05_vgg/no_maxpool.py")
    function = report.check("VGG16.function")
    assert function.kind == "function" and "not run" in function.message
    assert "738.24 G multiply-accumulates" in function.message and "15.47 G" in function.message
    assert report.check("VGG16.params").passed and report.check("VGG16.num_classes").passed


def test_parameters_forward_never_uses_are_named() -> None:
    params = graded("ch01_lenet/unused_aux_head.py").check("LeNet5.params")
    assert "62,556 parameters in total, the reference 61,706" in params.message
    assert "850 of your parameters are never used by forward (aux_head.weight, aux_head.bias)" in params.hints[1]


@pytest.mark.parametrize("file", ["bad/loop_import.py", "bad/loop_forward.py", "bad/sleep.py"])
def test_endless_code_times_out(file: str) -> None:
    start = time.monotonic()
    report = grade("ch01", LEARNERS / file, timeout=3)
    elapsed = time.monotonic() - start
    assert_all_fail(report, "timeout", "3 s")
    assert elapsed < 3 + 5, elapsed


def test_unbounded_memory() -> None:
    start = time.monotonic()
    report = grade("ch01", LEARNERS / "bad/memory_hog.py", memory_mb=512, timeout=60)
    assert_all_fail(report, "memory", "512 MB")
    assert time.monotonic() - start < 30


def test_print_flood_neither_floods_nor_stops_the_verdict(capfd: pytest.CaptureFixture[str]) -> None:
    start = time.monotonic()
    report = grade("ch01", LEARNERS / "bad/print_flood.py", timeout=SLOW_MACHINE_TIMEOUT)
    out, err = capfd.readouterr()
    assert len(out) + len(err) < 10_000
    assert report.passed and report.score == report.max_score, explain(report)
    assert 0 < len(report.output) <= 10_000  # a tail, not the 10 MB x 3 forward passes
    assert time.monotonic() - start < 60


# -- the command line ---------------------------------------------------------------------------------
CHECK_KEYS = {"id", "passed", "points", "max_points", "kind", "layer", "suspect", "message", "hints", "line", "variant"}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize(("file", "code"), [("ch05_vgg/correct_make_layers.py", 0), ("ch05_vgg/out256_block4.py", 1)])
def test_cli_json(file: str, code: int) -> None:
    done = run_cli("check", "ch05", "--path", str(LEARNERS / file), "--json")
    assert done.returncode == code, done.stderr
    answer = json.loads(done.stdout)  # exactly one JSON object, nothing else on stdout
    assert set(answer) == {"chapter", "path", "passed", "score", "max_score", "checks"}
    assert answer["chapter"] == "ch05_vgg" and answer["max_score"] == 10
    assert answer["passed"] is (code == 0)
    assert len(answer["checks"]) == 4
    for check in answer["checks"]:
        assert set(check) == CHECK_KEYS
    if code:
        first = next(check for check in answer["checks"] if not check["passed"])
        assert (first["id"], first["kind"], first["layer"], first["suspect"]) == ("VGG16.structure", "shape", 8, "out_channels")
    else:
        assert answer["score"] == 10


def test_cli_unknown_chapter_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """In-process (a subprocess would pay torch's import for an answer that needs none)."""
    assert main(["check", "ch99", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "ch99" in err and "ch05_vgg" in err  # names the chapters there are


@pytest.mark.parametrize("spec", [spec for chapter in CHAPTERS for spec in chapter.models], ids=lambda spec: spec.label)
def test_every_reference_is_in_the_form_the_comparison_reads(spec) -> None:
    """The learner's rows are read in a canonical form (grader.compare.canonical: ReLU before max-pool, flatten
    before element-wise ops); the references must already be in it, or a correct model would differ."""
    rows = list(reference.for_spec(spec).rows)
    assert canonical(rows, rows) == rows


# -- hints never contradict the exercise ------------------------------------------------------------------
# For every learner file whose first failing check is about the structure, applying the fix hint 3 describes
# (Check.fix) to the learner's own model moves the first difference from the reference strictly later, or
# makes every layer match. A fix that asked for in_features away from what flatten gives, or for the image to
# have other channels, would fail. Our own learner files are loaded in this process, built on the meta device
# and traced before and after the fix (kept in this module: it reuses the module's graded reports).
STRUCTURE_KINDS = {"shape", "params", "layer_type", "missing_layer", "extra_layer", "activation", "pooling", "error"}


def _progress(model: nn.Module, input_shape: tuple[int, ...], ref_rows: list) -> float:
    """How many reference rows match before the first difference (infinity: every row matches)."""
    try:
        rows = canonical(list(trace(model, input_shape).rows), ref_rows)
        steps, crashed = align(ref_rows, rows), False
    except Exception as error:  # noqa: BLE001 - the learner's model raising is what we measure
        partial = canonical(list(getattr(error, "partial_rows", None) or []), ref_rows, stopped=True)
        steps, crashed = align(ref_rows, partial, stopped=True), True
    found = first_divergence(steps)
    if found is None and not crashed:
        return math.inf
    upto = steps[: found[0]] if found is not None else steps
    return sum(1 for step in upto if step.reference is not None) + (0 if found is not None else 0.5)


def _layer(op: str, h: dict) -> nn.Module:
    """A layer of the course from its op and hyperparameters (a reference row, or a learner's row changed)."""
    if op == "conv2d":
        return nn.Conv2d(h["in_channels"], h["out_channels"], h["kernel_size"], h.get("stride", 1), h.get("padding", 0),
                         h.get("dilation", 1), h.get("groups", 1), bias=h.get("bias", True))
    if op == "linear":
        return nn.Linear(h["in_features"], h["out_features"], bias=h.get("bias", True))
    if op == "max_pool2d":
        return nn.MaxPool2d(h["kernel_size"], h["stride"], h.get("padding", 0), h.get("dilation", 1),
                            ceil_mode=h.get("ceil_mode", False))
    if op == "avg_pool2d":
        return nn.AvgPool2d(h["kernel_size"], h["stride"], h.get("padding", 0), ceil_mode=h.get("ceil_mode", False))
    if op == "adaptive_avg_pool2d":
        return nn.AdaptiveAvgPool2d(h["output_size"])
    simple = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "flatten": nn.Flatten}
    if op == "dropout":
        return nn.Dropout(h.get("p", 0.5))
    return simple[op]()


_HPARAMS = {
    nn.Conv2d: lambda m: {"in_channels": m.in_channels, "out_channels": m.out_channels, "kernel_size": m.kernel_size,
                          "stride": m.stride, "padding": m.padding, "dilation": m.dilation, "groups": m.groups,
                          "bias": m.bias is not None},
    nn.Linear: lambda m: {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None},
    nn.MaxPool2d: lambda m: {"kernel_size": m.kernel_size, "stride": m.stride, "padding": m.padding,
                             "dilation": m.dilation, "ceil_mode": m.ceil_mode},
    nn.AvgPool2d: lambda m: {"kernel_size": m.kernel_size, "stride": m.stride, "padding": m.padding,
                             "ceil_mode": m.ceil_mode},
}
_OPS = {nn.Conv2d: "conv2d", nn.Linear: "linear", nn.MaxPool2d: "max_pool2d", nn.AvgPool2d: "avg_pool2d"}


def _target(model: nn.Module, fix: Fix) -> str | None:
    """The qualified name of the leaf module the fix changes, or None when the fix is not one module's."""
    if fix.weight:
        return next((name for name, module in model.named_modules()
                     if isinstance(getattr(module, "weight", None), torch.Tensor) and tuple(module.weight.shape) == fix.weight),
                    None)
    if not fix.module:
        return None
    try:
        module = model.get_submodule(fix.module)
    except AttributeError:
        return None
    return fix.module if not list(module.children()) else None


def _apply(model: nn.Module, name: str, fix: Fix) -> None:
    old = model.get_submodule(name)
    if fix.action == "set":
        new = _layer(_OPS[type(old)], {**_HPARAMS[type(old)](old), **fix.hparams})
    elif fix.action == "replace":
        new = _layer(fix.row.op, fix.row.hparams)
    elif fix.action == "add":
        new = nn.Sequential(old, _layer(fix.row.op, fix.row.hparams))
    else:
        new = nn.Identity()
        for other in fix.also:  # the layers that go with it
            owner, _, attr = other.rpartition(".")
            setattr(model.get_submodule(owner), attr, nn.Identity())
    owner, _, attr = name.rpartition(".")
    setattr(model.get_submodule(owner), attr, new.to("meta"))


def _cases() -> list:
    return [param for param in CATALOGUE if param.values[1] != ALL and not param.marks]


@pytest.mark.parametrize(("file", "check", "kind", "layer", "suspect"), _cases())
def test_the_fix_in_hint_3_moves_the_first_difference_later(file, check, kind, layer, suspect):
    failure = graded(file).first_failure()
    if not failure.id.endswith(".structure") or failure.kind not in STRUCTURE_KINDS or failure.fix is None:
        pytest.skip(f"{failure.id} ({failure.kind}): no one-layer fix to apply")
    chapter = get_chapter(chapter_of(file))
    spec = next(spec for spec in chapter.models if failure.id.startswith(spec.label + "."))
    cls = getattr(import_path(LEARNERS / file), spec.class_name)
    with torch.device("meta"):
        model = cls(*spec.args, **spec.kwargs)
    name = _target(model, failure.fix)
    if name is None:
        pytest.skip(f"{failure.fix}: not a layer of its own (a functional call in forward)")
    ref_rows = list(reference.for_spec(spec).rows)
    before = _progress(model, spec.input_shape, ref_rows)
    _apply(model, name, failure.fix)
    after = _progress(model, spec.input_shape, ref_rows)
    assert after > before, (failure.hints[-1], failure.fix, before, after)


def test_the_property_is_checked_on_enough_of_the_catalogue():
    """Most structural verdicts carry a fix that applies to one layer (the rest are functional calls)."""
    applied = 0
    for param in _cases():
        failure = graded(param.values[0]).first_failure()
        if failure.id.endswith(".structure") and failure.kind in STRUCTURE_KINDS and failure.fix is not None:
            applied += 1
    assert applied >= 20, applied
# -- the student edition: the same verdicts from the reference pack, without the reference source ---------
# Every LeNet-5 file (they cover every kind of verdict but two), and for the bigger networks (2 to 4 s a file on
# a busy machine: the whole catalogue would cost 3 more minutes) a correct file and the defects whose verdicts
# use the pack differently: a partial function run, a function verdict with a correct structure, a model too
# costly to run, a missing layer, a missing class, num_classes, a runtime error.
SAMPLE = ("ch02_alexnet/correct_sequential.py", "ch02_alexnet/pad0_conv3.py", "ch02_alexnet/dropout_always_on.py",
          "ch02_alexnet/hardcoded_1000.py", "ch02_alexnet/fc1_in_features.py",
          "ch03_zfnet/correct_sequential.py", "ch03_zfnet/no_ceil_pool1.py", "ch03_zfnet/lrn.py",
          "ch04_nin/correct_d2l.py", "ch04_nin/kernel3_1x1.py", "ch04_nin/no_dropout.py",
          "ch05_vgg/correct_make_layers.py", "ch05_vgg/pad0_conv7.py", "ch05_vgg/no_maxpool.py", "ch05_vgg/misnamed_vgg.py",
          "ch06_googlenet/correct_branch_order.py", "ch06_googlenet/cat_order.py", "ch06_googlenet/torchvision_3x3.py",
          "ch06_googlenet/hardcoded_1000.py", "ch06_googlenet/d2l_inception_signature.py")
EDITION = [param.values[0] for param in CATALOGUE if param.values[0].startswith("ch01") or param.values[0] in SAMPLE]


@pytest.fixture(scope="module")
def edition_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """The catalogue's files graded by the student edition, in one process that cannot import the solutions."""
    edition = build_student_edition(tmp_path_factory.mktemp("edition") / "cnn-dojo-student", root=committed())
    files = [(chapter_of(file), str(LEARNERS / file), file) for file in EDITION]
    code = f"""
import json
from grader.pipeline import grade
for chapter, path, file in {files!r}:
    report = grade(chapter, path, timeout={SLOW_MACHINE_TIMEOUT})
    print(json.dumps({{"file": file, "checks": [check.to_dict() for check in report.checks]}}))
"""
    done = edition_python(edition, code, timeout=1800, cwd=ROOT)  # the files' paths as the full package shows them
    assert done.returncode == 0, done.stderr[-3000:]
    return {entry["file"]: entry["checks"] for entry in map(json.loads, done.stdout.splitlines())}


def test_the_edition_sample_covers_every_chapter_and_kind() -> None:
    assert set(SAMPLE) <= set(EDITION) and {chapter_of(file) for file in EDITION} == {chapter_of(p.values[0]) for p in CATALOGUE}
    assert {row[2] for row in (p.values for p in CATALOGUE) if row[0] in EDITION} == \
        {row[2] for row in (p.values for p in CATALOGUE)}  # every verdict kind


@pytest.mark.parametrize("file", EDITION)
def test_the_student_edition_gives_the_same_verdicts(edition_reports: dict[str, list[dict]], file: str) -> None:
    def verdict(check: dict) -> tuple:
        # a function check's message holds float differences that a thread count may change in the last digit
        message = check["message"] if not check["id"].endswith(".function") else ""
        return (check["id"], check["passed"], check["points"], check["kind"], check["layer"], check["suspect"], message)

    assert [verdict(check) for check in edition_reports[file]] == [verdict(check.to_dict()) for check in graded(file).checks]


# -- the README's scoring table is the grader's own ---------------------------------------------------------
def _readme_scores() -> list[tuple[str, list[float]]]:
    """The rows of the README's table of example mistakes: the learner file, its points per check and in all."""
    rows = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[1].startswith("`") and cells[1].endswith(".py`"):
            rows.append((cells[1].strip("`"), [float(cell) for cell in cells[2:]]))
    return rows


def test_the_readmes_scoring_table_is_what_the_grader_gives() -> None:
    rows = _readme_scores()
    assert len(rows) >= 12
    for file, (*points, total) in rows:
        report = graded(file)
        assert [check.points for check in report.checks] == points and report.score == total, (file, report.render_text())
    scores = dict((file, total) for file, (*_, total) in rows)
    assert 6 <= scores["ch01_lenet/no_relu_fc1.py"] <= 9 and 6 <= scores["ch01_lenet/fc2_80.py"] <= 9
