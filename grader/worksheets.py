"""The worksheets: named blanks a learner fills with numbers computed by hand.

Every answer is derived here from the reference models (their traces) and the formula library, never
typed in; the solution worksheets hold the numbers a learner would write, and a test proves they agree.
A wrong blank gets a hint: the formula with the inputs substituted, the result left to the learner.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import solutions
from grader import formulas as f
from grader.trace import OpRow, trace

__all__ = ["Blank", "WORKSHEETS", "answer_key", "check_value"]

Answer = int | tuple[int, ...]


@dataclass(frozen=True)
class Blank:
    name: str
    question: dict[str, str]  # lang -> the question
    answer: Callable[[], Answer]
    hint: dict[str, str]  # lang -> the formula with the inputs substituted (no result)


@functools.cache
def _rows(model: str) -> tuple[OpRow, ...]:
    info = solutions.get_model_info(model)
    return tuple(trace(info.build(device="meta"), info.input_shape).rows)


def _nth(model: str, op: str, n: int) -> OpRow:
    """The n-th (1-based) row of an op in the reference's trace."""
    return [row for row in _rows(model) if row.op == op][n - 1]


def _after(model: str, module_prefix: str) -> tuple[int, ...]:
    """The output shape of the last op run inside a module of the reference (e.g. 'inception3a')."""
    return [row for row in _rows(model) if row.module == module_prefix or row.module.startswith(module_prefix + ".")][-1].output_shape


def _params(model: str, op: str, n: int) -> int:
    return _nth(model, op, n).params


def _total(model: str) -> int:
    return sum(row.params for row in _rows(model))


def _fc_params(model: str) -> int:
    return sum(row.params for row in _rows(model) if row.op == "linear")


def _inception_3a_without_reductions() -> int:
    # the same four branches with the 3x3 and 5x5 convolutions applied straight to the 192 input channels
    in_ch, ch1, _, ch3, _, ch5, proj = 192, 64, 96, 128, 16, 32, 32
    return f.conv_params(in_ch, ch1, 1) + f.conv_params(in_ch, ch3, 3) + f.conv_params(in_ch, ch5, 5) + f.conv_params(in_ch, proj, 1)


def _b(name: str, en: str, zh: str, answer: Callable[[], Answer], hint_en: str, hint_zh: str) -> Blank:
    return Blank(name, {"en": en, "zh-TW": zh}, answer, {"en": hint_en, "zh-TW": hint_zh})


_CONV = "W_out = floor((W_in - K + 2P) / S) + 1 with W_in={w}, K={k}, P={p}, S={s}"
_POOL = "W_out = floor((W_in - F) / S) + 1 with W_in={w}, F={k}, S={s}"
_POOL_CEIL = "W_out = ceil((W_in - F) / S) + 1 with W_in={w}, F={k}, S={s} (ceil_mode=True)"
_CONV_P = "parameters = out * in * K * K + out with in={i}, out={o}, K={k}"
_CONV_P_ZH = "參數量 = out * in * K * K + out，其中 in={i}、out={o}、K={k}"
_FC_P = "parameters = in * out + out with in={i}, out={o}"
_FC_P_ZH = "參數量 = in * out + out，其中 in={i}、out={o}"


def _zh(text: str) -> str:
    return text.replace(" with ", "，其中 ").replace(", ", "、")


WORKSHEETS: dict[str, tuple[Blank, ...]] = {
    "ch00_formulas": (
        _b("CONV_224_K11_S4_P2", "Output width of an 11x11 convolution, stride 4, padding 2, on a 224-wide input (AlexNet's conv1).",
           "224 寬的輸入經過 11x11 卷積、步長 4、填充 2 後的輸出寬度（AlexNet 的 conv1）。",
           lambda: f.conv_output_size(224, 11, 4, 2), _CONV.format(w=224, k=11, p=2, s=4), _zh(_CONV.format(w=224, k=11, p=2, s=4))),
        _b("POOL_55_F3_S2", "Output width of a 3x3 max-pool with stride 2 on a 55-wide input.",
           "55 寬的輸入經過 3x3 最大池化、步長 2 後的輸出寬度。",
           lambda: f.pool_output_size(55, 3, 2), _POOL.format(w=55, k=3, s=2), _zh(_POOL.format(w=55, k=3, s=2))),
        _b("CONV_32_K5", "Output width of a 5x5 convolution (stride 1, no padding) on a 32-wide input (LeNet's conv1).",
           "32 寬的輸入經過 5x5 卷積（步長 1、不填充）後的輸出寬度（LeNet 的 conv1）。",
           lambda: f.conv_output_size(32, 5), _CONV.format(w=32, k=5, p=0, s=1), _zh(_CONV.format(w=32, k=5, p=0, s=1))),
        _b("CONV_1_TO_6_K5_PARAMS", "Parameters of a 5x5 convolution from 1 channel to 6 filters, with bias.",
           "從 1 個通道到 6 個卷積核的 5x5 卷積（含偏差）的參數量。",
           lambda: f.conv_params(1, 6, 5), _CONV_P.format(i=1, o=6, k=5), _CONV_P_ZH.format(i=1, o=6, k=5)),
        _b("FC_400_TO_120_PARAMS", "Parameters of a fully-connected layer from 400 to 120 features, with bias.",
           "從 400 個特徵到 120 個特徵的全連接層（含偏差）的參數量。",
           lambda: f.linear_params(400, 120), _FC_P.format(i=400, o=120), _FC_P_ZH.format(i=400, o=120)),
        _b("RF_TWO_3X3", "Receptive field (in pixels, one side) of two stacked 3x3 convolutions with stride 1.",
           "兩個堆疊的 3x3 卷積（步長 1）的感受野（邊長，像素）。",
           lambda: f.receptive_field([(3, 1), (3, 1)]), "r = 1 + (3 - 1) + (3 - 1)", "r = 1 + (3 - 1) + (3 - 1)"),
    ),
    "ch01_lenet": (
        _b("CONV1_OUTPUT", "Shape (C, H, W) after conv1 (6 filters, 5x5) on a 1x32x32 input.",
           "1x32x32 的輸入經過 conv1（6 個 5x5 卷積核）後的形狀 (C, H, W)。",
           lambda: _nth("LeNet5", "conv2d", 1).output_shape, _CONV.format(w=32, k=5, p=0, s=1), _zh(_CONV.format(w=32, k=5, p=0, s=1))),
        _b("POOL1_OUTPUT", "Shape after the first 2x2 max-pool (stride 2).", "第一個 2x2 最大池化（步長 2）後的形狀。",
           lambda: _nth("LeNet5", "max_pool2d", 1).output_shape, _POOL.format(w=28, k=2, s=2), _zh(_POOL.format(w=28, k=2, s=2))),
        _b("CONV2_OUTPUT", "Shape after conv2 (16 filters, 5x5).", "conv2（16 個 5x5 卷積核）後的形狀。",
           lambda: _nth("LeNet5", "conv2d", 2).output_shape, _CONV.format(w=14, k=5, p=0, s=1), _zh(_CONV.format(w=14, k=5, p=0, s=1))),
        _b("POOL2_OUTPUT", "Shape after the second max-pool.", "第二個最大池化後的形狀。",
           lambda: _nth("LeNet5", "max_pool2d", 2).output_shape, _POOL.format(w=10, k=2, s=2), _zh(_POOL.format(w=10, k=2, s=2))),
        _b("FC1_IN_FEATURES", "in_features of fc1: why is it 16*5*5? Write the number.", "fc1 的 in_features：為什麼是 16*5*5？寫出數字。",
           lambda: _nth("LeNet5", "linear", 1).hparams["in_features"], "channels * height * width of POOL2_OUTPUT",
           "POOL2_OUTPUT 的 通道 * 高 * 寬"),
        _b("CONV2_PARAMS", "Parameters of conv2 (6 -> 16 channels, 5x5, with bias).", "conv2（6 -> 16 通道、5x5、含偏差）的參數量。",
           lambda: _params("LeNet5", "conv2d", 2), _CONV_P.format(i=6, o=16, k=5), _CONV_P_ZH.format(i=6, o=16, k=5)),
        _b("TOTAL_PARAMS", "Parameters of the whole LeNet-5 (10 classes).", "整個 LeNet-5（10 類）的參數量。",
           lambda: _total("LeNet5"), "156 + conv2 + (400*120+120) + (120*84+84) + (84*10+10)",
           "156 + conv2 + (400*120+120) + (120*84+84) + (84*10+10)"),
    ),
    "ch02_alexnet": (
        _b("CONV1_OUTPUT", "Shape after conv1 (96 filters, 11x11, stride 4, padding 2) on 3x224x224.",
           "3x224x224 經過 conv1（96 個 11x11 卷積核、步長 4、填充 2）後的形狀。",
           lambda: _nth("AlexNet", "conv2d", 1).output_shape, _CONV.format(w=224, k=11, p=2, s=4), _zh(_CONV.format(w=224, k=11, p=2, s=4))),
        _b("POOL1_OUTPUT", "Shape after the first 3x3 max-pool, stride 2.", "第一個 3x3 最大池化（步長 2）後的形狀。",
           lambda: _nth("AlexNet", "max_pool2d", 1).output_shape, _POOL.format(w=55, k=3, s=2), _zh(_POOL.format(w=55, k=3, s=2))),
        _b("POOL2_OUTPUT", "Shape after the second max-pool (conv2: 256 filters, 5x5, padding 2).", "第二個最大池化後的形狀（conv2：256 個 5x5 卷積核、填充 2）。",
           lambda: _nth("AlexNet", "max_pool2d", 2).output_shape, _POOL.format(w=27, k=3, s=2), _zh(_POOL.format(w=27, k=3, s=2))),
        _b("FEATURES_OUTPUT", "Shape after the last max-pool of the feature extractor.", "特徵擷取部分最後一個最大池化後的形狀。",
           lambda: _nth("AlexNet", "max_pool2d", 3).output_shape, _POOL.format(w=13, k=3, s=2), _zh(_POOL.format(w=13, k=3, s=2))),
        _b("CONV1_PARAMS", "Parameters of conv1.", "conv1 的參數量。",
           lambda: _params("AlexNet", "conv2d", 1), _CONV_P.format(i=3, o=96, k=11), _CONV_P_ZH.format(i=3, o=96, k=11)),
        _b("FC_PARAMS", "Parameters of the three fully-connected layers together (9216 -> 4096 -> 4096 -> 1000).",
           "三個全連接層合計的參數量（9216 -> 4096 -> 4096 -> 1000）。",
           lambda: _fc_params("AlexNet"), "(9216*4096+4096) + (4096*4096+4096) + (4096*1000+1000)",
           "(9216*4096+4096) + (4096*4096+4096) + (4096*1000+1000)"),
    ),
    "ch03_zfnet": (
        _b("CONV1_OUTPUT", "Shape after conv1 (96 filters, 7x7, stride 2, padding 1) on 3x224x224.",
           "3x224x224 經過 conv1（96 個 7x7 卷積核、步長 2、填充 1）後的形狀。",
           lambda: _nth("ZFNet", "conv2d", 1).output_shape, _CONV.format(w=224, k=7, p=1, s=2), _zh(_CONV.format(w=224, k=7, p=1, s=2))),
        _b("POOL1_OUTPUT", "Shape after the first 3x3 max-pool, stride 2, ceil_mode=True.", "第一個 3x3 最大池化（步長 2、ceil_mode=True）後的形狀。",
           lambda: _nth("ZFNet", "max_pool2d", 1).output_shape, _POOL_CEIL.format(w=110, k=3, s=2), _zh(_POOL_CEIL.format(w=110, k=3, s=2))),
        _b("CONV2_OUTPUT", "Shape after conv2 (256 filters, 5x5, stride 2, no padding).", "conv2（256 個 5x5 卷積核、步長 2、不填充）後的形狀。",
           lambda: _nth("ZFNet", "conv2d", 2).output_shape, _CONV.format(w=55, k=5, p=0, s=2), _zh(_CONV.format(w=55, k=5, p=0, s=2))),
        _b("POOL2_OUTPUT", "Shape after the second max-pool (3x3, stride 2, ceil_mode=True).", "第二個最大池化（3x3、步長 2、ceil_mode=True）後的形狀。",
           lambda: _nth("ZFNet", "max_pool2d", 2).output_shape, _POOL_CEIL.format(w=26, k=3, s=2), _zh(_POOL_CEIL.format(w=26, k=3, s=2))),
        _b("CONV1_PARAMS", "Parameters of ZFNet's conv1.", "ZFNet conv1 的參數量。",
           lambda: _params("ZFNet", "conv2d", 1), _CONV_P.format(i=3, o=96, k=7), _CONV_P_ZH.format(i=3, o=96, k=7)),
        _b("CONV1_PARAMS_SAVED", "How many fewer parameters does ZFNet's 7x7 conv1 have than AlexNet's 11x11 conv1?",
           "ZFNet 的 7x7 conv1 比 AlexNet 的 11x11 conv1 少多少參數？",
           lambda: _params("AlexNet", "conv2d", 1) - _params("ZFNet", "conv2d", 1),
           "(3*96*11*11 + 96) - (3*96*7*7 + 96)", "(3*96*11*11 + 96) - (3*96*7*7 + 96)"),
    ),
    "ch04_nin": (
        _b("BLOCK1_OUTPUT", "Shape after the first mlpconv block (11x11 conv, stride 4, 96 filters, then two 1x1) on 3x224x224.",
           "3x224x224 經過第一個 mlpconv 區塊（11x11 卷積、步長 4、96 個卷積核，再接兩個 1x1）後的形狀。",
           lambda: _nth("NiN", "conv2d", 3).output_shape, _CONV.format(w=224, k=11, p=0, s=4), _zh(_CONV.format(w=224, k=11, p=0, s=4))),
        _b("POOL1_OUTPUT", "Shape after the first 3x3 max-pool, stride 2.", "第一個 3x3 最大池化（步長 2）後的形狀。",
           lambda: _nth("NiN", "max_pool2d", 1).output_shape, _POOL.format(w=54, k=3, s=2), _zh(_POOL.format(w=54, k=3, s=2))),
        _b("POOL3_OUTPUT", "Shape after the third max-pool.", "第三個最大池化後的形狀。",
           lambda: _nth("NiN", "max_pool2d", 3).output_shape, _POOL.format(w=12, k=3, s=2), _zh(_POOL.format(w=12, k=3, s=2))),
        _b("LAST_BLOCK_OUTPUT", "Shape after the last mlpconv block (num_classes = 1000 channels), before global average pooling.",
           "最後一個 mlpconv 區塊（輸出 1000 個通道）之後、全域平均池化之前的形狀。",
           lambda: _nth("NiN", "conv2d", 12).output_shape, _CONV.format(w=5, k=3, p=1, s=1), _zh(_CONV.format(w=5, k=3, p=1, s=1))),
        _b("BLOCK1_PARAMS", "Parameters of the first mlpconv block (11x11 3->96, then 1x1 96->96 twice).",
           "第一個 mlpconv 區塊的參數量（11x11 3->96，再接兩個 1x1 96->96）。",
           lambda: sum(_params("NiN", "conv2d", n) for n in (1, 2, 3)),
           "(3*96*11*11 + 96) + 2 * (96*96*1*1 + 96)", "(3*96*11*11 + 96) + 2 * (96*96*1*1 + 96)"),
        _b("PARAMS_SAVED_BY_GAP", "Global average pooling has no parameters. How many parameters do AlexNet's three fc layers have, which NiN does without?",
           "全域平均池化沒有參數。AlexNet 的三個全連接層有多少參數（NiN 完全省下了它們）？",
           lambda: _fc_params("AlexNet"), "(256*6*6*4096 + 4096) + (4096*4096 + 4096) + (4096*1000 + 1000)",
           "(256*6*6*4096 + 4096) + (4096*4096 + 4096) + (4096*1000 + 1000)"),
    ),
    "ch05_vgg": (
        _b("BLOCK1_OUTPUT", "Shape after block 1 (two 3x3 convs, padding 1, 64 filters, then a 2x2 max-pool) on 3x224x224.",
           "3x224x224 經過第 1 個區塊（兩個 3x3 卷積、填充 1、64 個卷積核，再接 2x2 最大池化）後的形狀。",
           lambda: _nth("VGG16", "max_pool2d", 1).output_shape, _POOL.format(w=224, k=2, s=2), _zh(_POOL.format(w=224, k=2, s=2))),
        _b("BLOCK3_OUTPUT", "Shape after block 3.", "第 3 個區塊後的形狀。",
           lambda: _nth("VGG16", "max_pool2d", 3).output_shape, "size * 0.5 per block, filters * 2: 224 -> 112 -> 56 -> ?",
           "每個區塊尺寸 * 0.5、卷積核數 * 2：224 -> 112 -> 56 -> ?"),
        _b("FEATURES_OUTPUT", "Shape after block 5, the last of the feature extractor.", "第 5 個區塊（特徵擷取的最後一塊）後的形狀。",
           lambda: _nth("VGG16", "max_pool2d", 5).output_shape, "224 / 2**5 with 512 filters", "224 / 2**5，512 個卷積核"),
        _b("FC1_PARAMS", "Parameters of fc1 (512*7*7 -> 4096).", "fc1（512*7*7 -> 4096）的參數量。",
           lambda: _params("VGG16", "linear", 1), _FC_P.format(i="512*7*7", o=4096), _FC_P_ZH.format(i="512*7*7", o=4096)),
        _b("THREE_3X3_PARAMS_512", "Weights of three stacked 3x3 convolutions at 512 -> 512 channels (bias excluded).",
           "三個堆疊的 3x3 卷積（512 -> 512 通道，不含偏差）的權重數。",
           lambda: 3 * f.conv_params(512, 512, 3, bias=False), "3 * (512 * 512 * 3 * 3)", "3 * (512 * 512 * 3 * 3)"),
        _b("ONE_7X7_PARAMS_512", "Weights of one 7x7 convolution at 512 -> 512 channels (bias excluded).",
           "一個 7x7 卷積（512 -> 512 通道，不含偏差）的權重數。",
           lambda: f.conv_params(512, 512, 7, bias=False), "512 * 512 * 7 * 7", "512 * 512 * 7 * 7"),
        _b("RF_THREE_3X3", "Receptive field (one side, pixels) of three stacked 3x3 convolutions, stride 1.",
           "三個堆疊的 3x3 卷積（步長 1）的感受野（邊長，像素）。",
           lambda: f.receptive_field([(3, 1)] * 3), "r = 1 + (3 - 1) * 3", "r = 1 + (3 - 1) * 3"),
    ),
    "ch06_googlenet": (
        _b("STEM_OUTPUT", "Shape after the stem (7x7/2 conv, 3x3/2 pool, 1x1 conv, 3x3 conv to 192, 3x3/2 pool; pools padding 1) on 3x224x224.",
           "3x224x224 經過主幹（7x7/2 卷積、3x3/2 池化、1x1 卷積、3x3 卷積到 192、3x3/2 池化；池化填充 1）後的形狀。",
           lambda: _after("GoogLeNet", "pre_layers"), "224 -> 112 -> 56 -> 56 -> 56 -> ?, with 192 channels",
           "224 -> 112 -> 56 -> 56 -> 56 -> ?，192 個通道"),
        _b("INCEPTION_3A_OUTPUT", "Shape after inception 3a (1x1: 64, 3x3: 128, 5x5: 32, pool proj: 32).",
           "inception 3a 之後的形狀（1x1：64、3x3：128、5x5：32、池化投影：32）。",
           lambda: _after("GoogLeNet", "inception3a"), "channels = 64 + 128 + 32 + 32; every branch keeps 28x28",
           "通道數 = 64 + 128 + 32 + 32；每個分支都維持 28x28"),
        _b("INCEPTION_3A_PARAMS", "Parameters of inception 3a with its 1x1 reductions (192 in; 64 | 96->128 | 16->32 | pool->32).",
           "含 1x1 降維的 inception 3a 參數量（輸入 192；64 | 96->128 | 16->32 | 池化->32）。",
           lambda: sum(row.params for row in _rows("GoogLeNet") if row.module.startswith("inception3a.")),
           "(192*64+64) + (192*96+96) + (96*128*9+128) + (192*16+16) + (16*32*25+32) + (192*32+32)",
           "(192*64+64) + (192*96+96) + (96*128*9+128) + (192*16+16) + (16*32*25+32) + (192*32+32)"),
        _b("INCEPTION_3A_PARAMS_NO_REDUCTION", "The same module without the 1x1 reductions: the 3x3 and 5x5 convolutions see all 192 channels.",
           "同一個模組但沒有 1x1 降維：3x3 與 5x5 卷積直接接收全部 192 個通道。",
           _inception_3a_without_reductions, "(192*64+64) + (192*128*9+128) + (192*32*25+32) + (192*32+32)",
           "(192*64+64) + (192*128*9+128) + (192*32*25+32) + (192*32+32)"),
        _b("INCEPTION_5B_OUTPUT", "Shape after inception 5b, the last module.", "最後一個模組 inception 5b 之後的形狀。",
           lambda: _after("GoogLeNet", "inception5b"), "channels = 384 + 384 + 128 + 128 at 7x7", "通道數 = 384 + 384 + 128 + 128，尺寸 7x7"),
        _b("TOTAL_PARAMS", "Parameters of the whole GoogLeNet (1000 classes).", "整個 GoogLeNet（1000 類）的參數量。",
           lambda: _total("GoogLeNet"), "the stem + nine Inception modules + fc (1024*1000 + 1000)",
           "主幹 + 九個 Inception 模組 + 全連接層（1024*1000 + 1000）"),
    ),
}


def answer_key(chapter_id: str) -> dict[str, Answer]:
    return {blank.name: blank.answer() for blank in WORKSHEETS.get(chapter_id, ())}


def _normal(value: Any) -> Any:
    """Learners write shapes as tuples or lists, sizes as ints (or floats that are whole)."""
    if isinstance(value, (list, tuple)):
        return tuple(_normal(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_value(expected: Answer, given: Any) -> bool:
    """A shape may be given with or without the batch dimension's absence: (C, H, W) or [C, H, W]."""
    return _normal(given) == _normal(expected)
